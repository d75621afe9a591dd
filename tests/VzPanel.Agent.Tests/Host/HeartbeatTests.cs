using VzPanel.Agent.Contracts;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Host;

/// <summary>The agent process reporting to a fake panel gateway over mutual TLS.</summary>
public sealed class HeartbeatTests : IAsyncDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyList<RecordedHeartbeat> Beats(FakePanelGateway gateway) => gateway.Recorded.Heartbeats.ToList();

    private static Task WaitForAsync(FakePanelGateway gateway, Func<IReadOnlyList<RecordedHeartbeat>, bool> condition) =>
        gateway.Recorded.Changed.WaitUntilAsync(() => condition(Beats(gateway)), TimeSpan.FromSeconds(15),
            () => string.Join(", ", Beats(gateway).Select(b => $"{b.Heartbeat.Reason}@{b.At:ss.fff}")));

    [Fact]
    public async Task Run_HeartbeatEverySecond_SendsStartupThenPeriodicThenChangeRightAfterAStart()
    {
        using var serverCertificate = _pki.IssueServer();
        await using var gateway = await FakePanelGateway.StartAsync(_pki, serverCertificate, _pki.Ca, heartbeatSeconds: 30);
        var identity = AgentCredentialsWriter.Write(_pki, _data.Path, gateway.Url, heartbeatSeconds: 30);
        var (agent, address) = await AgentProcess.StartRunAsync(_data.Path, "--heartbeat-seconds", "1");
        await using var _ = agent;

        await WaitForAsync(gateway, beats => beats.Count >= 3);
        var beats = Beats(gateway);
        beats[0].Heartbeat.Reason.ShouldBe(HeartbeatReason.Startup);
        beats[1].Heartbeat.Reason.ShouldBe(HeartbeatReason.Periodic);
        beats[2].Heartbeat.Reason.ShouldBe(HeartbeatReason.Periodic);
        (beats[2].At - beats[1].At).TotalSeconds.ShouldBeInRange(0.8, 2.0); // one interval, plus scheduling slack on a busy CI box
        beats[0].Heartbeat.NodeId.ShouldBe(identity.NodeId);
        beats[0].Heartbeat.AgentAddress.ShouldBe(address);
        beats[0].Heartbeat.Node.Engine.ShouldBe(Engine.Sim);
        beats[0].ClientCertificateUris.ShouldContain($"urn:vzpanel:node:{identity.NodeId}");

        using var panel = _pki.IssuePanelClient();
        using var channel = AgentClient.Channel(address, _pki.Ca, panel);
        var client = AgentClient.Client(channel);
        var instanceId = Guid.NewGuid().ToString();
        await client.CreateInstanceAsync(new CreateInstanceRequest
        {
            OperationId = Guid.NewGuid().ToString(),
            Spec = new InstanceSpec { Id = instanceId, Name = "beat", Kind = InstanceKind.Vm, Template = "debian-12-x86_64", MemoryMib = 512, Vcpus = 1 },
        }, cancellationToken: Ct);
        var startedAt = DateTimeOffset.UtcNow;
        await client.StartInstanceAsync(new InstanceOperation { OperationId = Guid.NewGuid().ToString(), InstanceId = instanceId }, cancellationToken: Ct);

        static bool ShowsRunning(RecordedHeartbeat b) =>
            b.Heartbeat.Reason == HeartbeatReason.Change && b.Heartbeat.Instances.Any(i => i.State == InstanceState.Running);
        await WaitForAsync(gateway, beats => beats.Any(ShowsRunning));
        var change = Beats(gateway).First(ShowsRunning);
        (change.At - startedAt).TotalSeconds.ShouldBeLessThan(2.0); // the reason says CHANGE; the bound only rules out a lost signal
        change.Heartbeat.Instances.ShouldHaveSingleItem().Id.ShouldBe(instanceId);
    }

    [Fact]
    public async Task Run_WithoutIntervalFlag_AdoptsTheIntervalFromThePanelsReply()
    {
        using var serverCertificate = _pki.IssueServer();
        await using var gateway = await FakePanelGateway.StartAsync(_pki, serverCertificate, _pki.Ca, heartbeatSeconds: 1);
        AgentCredentialsWriter.Write(_pki, _data.Path, gateway.Url, heartbeatSeconds: 300);
        var (agent, _) = await AgentProcess.StartRunAsync(_data.Path);
        await using var _1 = agent;

        await WaitForAsync(gateway, beats => beats.Count >= 2);

        Beats(gateway)[1].Heartbeat.Reason.ShouldBe(HeartbeatReason.Periodic);
    }

    [Fact]
    public async Task Run_PanelUnreachableAtFirst_RetriesWithoutDyingUntilThePanelAnswers()
    {
        using var serverCertificate = _pki.IssueServer();
        string url;
        await using (var gone = await FakePanelGateway.StartAsync(_pki, serverCertificate, _pki.Ca))
            url = gone.Url;
        AgentCredentialsWriter.Write(_pki, _data.Path, url, heartbeatSeconds: 1);
        var (agent, _) = await AgentProcess.StartRunAsync(_data.Path, "--heartbeat-seconds", "1");
        await using var _1 = agent;
        await agent.WaitForOutputAsync("Heartbeat (Startup)");

        await using var gateway = await FakePanelGateway.StartAsync(_pki, serverCertificate, _pki.Ca, port: new Uri(url).Port);
        await WaitForAsync(gateway, beats => beats.Count >= 1);

        Beats(gateway)[0].Heartbeat.Reason.ShouldBe(HeartbeatReason.Startup);
        agent.Exited.IsCompleted.ShouldBeFalse();
    }

    public ValueTask DisposeAsync()
    {
        _pki.Dispose();
        _data.Dispose();
        return ValueTask.CompletedTask;
    }
}
