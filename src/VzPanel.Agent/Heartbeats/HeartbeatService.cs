using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Grpc;
using VzPanel.Agent.Hosting;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Heartbeats;

/// <summary>
/// Tells the panel what this node runs: STARTUP once, PERIODIC every interval, CHANGE right after an
/// instance changes state (debounced, so a start's Starting+Running make one heartbeat). Failures are
/// logged and retried with backoff capped at the interval; they never stop the agent.
/// </summary>
public sealed class HeartbeatService(
    IComputeEngine engine, AgentCredentials credentials, AgentEndpoint endpoint, IOptions<AgentOptions> options,
    IHostApplicationLifetime lifetime, ILogger<HeartbeatService> logger) : BackgroundService
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await WaitForStartAsync(stoppingToken))
            return;
        using var channel = PanelChannels.Authenticated(credentials.Identity.PanelUrl, credentials);
        var client = new PanelGateway.PanelGatewayClient(channel);
        var watch = WatchStateChangesAsync(stoppingToken);
        var interval = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds ?? credentials.Identity.HeartbeatIntervalSeconds);
        var reason = HeartbeatReason.Startup;
        var backoff = TimeSpan.FromSeconds(1);

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var reply = await client.ReportHeartbeatAsync(await BuildAsync(reason, stoppingToken),
                    deadline: DateTime.UtcNow.AddSeconds(15), cancellationToken: stoppingToken);
                if (options.Value.HeartbeatSeconds is null && reply.HeartbeatIntervalSeconds > 0)
                    interval = TimeSpan.FromSeconds(reply.HeartbeatIntervalSeconds);
                backoff = TimeSpan.FromSeconds(1);
                reason = await WaitForNextAsync(interval, stoppingToken);
            }
            catch (Exception failure) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Heartbeat ({Reason}) to {PanelUrl} failed, retrying in {Backoff}: {Error}",
                    reason, credentials.Identity.PanelUrl, backoff, failure.Message);
                await Task.Delay(backoff, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, interval.Ticks));
            }
        }
        await watch;
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        await Task.WhenAny(started.Task, Task.Delay(Timeout.Infinite, stoppingToken));
        return started.Task.IsCompleted;
    }

    /// <summary>The next heartbeat: PERIODIC when the interval passes quietly, CHANGE soon after a state change.</summary>
    private async Task<HeartbeatReason> WaitForNextAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(interval);
        try
        {
            await _changes.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return HeartbeatReason.Periodic;
        }
        await Task.Delay(Debounce, stoppingToken);
        _changes.Reader.TryRead(out _);
        return HeartbeatReason.Change;
    }

    private async Task WatchStateChangesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var events = await engine.WatchEventsAsync(stoppingToken);
            await foreach (var engineEvent in events.ReadAllAsync(stoppingToken))
            {
                if (engineEvent.Kind == EngineEventKind.StateChanged)
                    _changes.Writer.TryWrite(true);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task<Heartbeat> BuildAsync(HeartbeatReason reason, CancellationToken cancellationToken)
    {
        var heartbeat = new Heartbeat
        {
            NodeId = credentials.Identity.NodeId,
            SentAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            Reason = reason,
            Node = (await engine.GetNodeInfoAsync(cancellationToken)).ToProto(),
            AgentAddress = endpoint.AdvertisedAddress,
        };
        heartbeat.Instances.Add((await engine.ListInstancesAsync(cancellationToken)).Select(i => i.ToProto()));
        return heartbeat;
    }
}
