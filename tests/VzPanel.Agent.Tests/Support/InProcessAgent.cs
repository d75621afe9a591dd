using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Hosting;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Tests.Support;

/// <summary>The agent's real host (Kestrel, mTLS, gRPC) inside the test process, on a free loopback port.</summary>
public sealed class InProcessAgent : IAsyncDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TestPki _pki;
    private readonly bool _ownsPki;
    private readonly X509Certificate2 _panelCertificate;
    private WebApplication? _app;
    private AgentCredentials? _credentials;
    private GrpcChannel? _channel;

    /// <param name="pki">A CA shared with other agents (they must trust each other to migrate); a private one by default.</param>
    public InProcessAgent(TestPki? pki = null)
    {
        _ownsPki = pki is null;
        _pki = pki ?? new TestPki();
        _panelCertificate = _pki.IssuePanelClient();
    }

    public NodeIdentity Identity { get; private set; } = null!;

    public NodeAgent.NodeAgentClient Client { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    public async Task StartAsync(Action<AgentOptions>? configure = null)
    {
        Identity = AgentCredentialsWriter.Write(_pki, _data.Path);
        var options = new AgentOptions { DataDirectory = _data.Path, Listen = "127.0.0.1:0" };
        options.Sim.NodeName = "sim-grpc";
        options.Sim.RamMib = 8192;
        options.Sim.HostReserveMib = 1024;
        options.Sim.CpuCount = 4;
        configure?.Invoke(options);
        _credentials = new CredentialStore(_data.Path).Load();
        _app = AgentHost.Build(options, _credentials, builder => builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var address = _app.Services.GetRequiredService<AgentEndpoint>().BoundAddress;
        _channel = AgentClient.Channel(address, _pki.Ca, _panelCertificate);
        Client = AgentClient.Client(_channel);
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        _credentials?.Dispose();
        _panelCertificate.Dispose();
        if (_ownsPki) _pki.Dispose();
        _data.Dispose();
    }
}
