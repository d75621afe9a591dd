using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Options;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Hosting;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Migration;

/// <summary>
/// Where sources send instances to this node (engines that stream: sim, LXC). TLS with the node certificate; the
/// caller proves it was sent by the panel with a ticket this node issued in PrepareMigrationTarget.
/// </summary>
public sealed class MigrationListener(
    IComputeEngine engine, MigrationTickets tickets, AgentCredentials credentials, IOptions<AgentOptions> options, ILogger<MigrationListener> logger)
    : BackgroundService
{
    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>host:port a source should connect to: the advertised host with the bound port.</summary>
    public async Task<string> AdvertisedAsync(string advertisedAgentAddress, CancellationToken ct)
    {
        var bound = await _bound.Task.WaitAsync(ct);
        var host = advertisedAgentAddress[..advertisedAgentAddress.LastIndexOf(':')];
        return $"{host}:{bound.Port}";
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = new TcpListener(options.Value.MigrationEndPoint);
        listener.Start();
        _bound.TrySetResult((IPEndPoint)listener.LocalEndpoint);
        logger.LogInformation("Migration listener on {EndPoint}", listener.LocalEndpoint);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stoppingToken);
                _ = Task.Run(() => ServeAsync(client, stoppingToken), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        var peer = client.Client.RemoteEndPoint;
        using var _ = client;
        try
        {
            await using var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = credentials.NodeCertificate,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            }, ct);
            var hello = (await ChannelLines.ReadAsync(tls, ct).WaitAsync(TimeSpan.FromSeconds(30), ct)).Split(' ');
            var refusal = hello is [ChannelLines.Hello, var id, var ticket] ? tickets.Refusal(id, ticket) : "not a migration request";
            if (refusal is not null)
            {
                logger.LogWarning("Refused a migration connection from {Peer}: {Reason}", peer, refusal);
                await ChannelLines.WriteAsync(tls, $"ERR {refusal}", ct);
                return;
            }
            var instanceId = hello[1];
            await ChannelLines.WriteAsync(tls, "GO", ct);
            var payload = new ChunkReadStream(tls);
            try
            {
                await engine.AcceptIncomingAsync(instanceId, payload, ct);
                await payload.DrainAsync(ct);
                await ChannelLines.WriteAsync(tls, $"OK {payload.ReadBytes}", ct);
                logger.LogInformation("Took in instance {InstanceId} from {Peer}: {Bytes} bytes", instanceId, peer, payload.ReadBytes);
            }
            catch (EngineException failure)
            {
                logger.LogWarning("Could not take in instance {InstanceId} from {Peer}: {Reason}", instanceId, peer, failure.Message);
                await ChannelLines.WriteAsync(tls, $"ERR {failure.Message}", ct);
            }
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or InvalidDataException or TimeoutException or OperationCanceledException)
        {
            logger.LogWarning("Migration connection from {Peer} ended early: {Reason}", peer, ex.Message);
        }
    }
}
