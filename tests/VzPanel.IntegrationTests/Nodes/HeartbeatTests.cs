using System.Diagnostics;
using VzPanel.Agent.Contracts;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Nodes;

/// <summary>A panel that calls a node Offline after 3 silent seconds.</summary>
public sealed class QuickOfflinePanel(PostgresServer server) : PanelFixture(server)
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Agents__OfflineAfterSeconds"] = "3",
    };
}

public sealed class HeartbeatTests(QuickOfflinePanel fixture) : IClassFixture<QuickOfflinePanel>
{
    [Fact]
    public async Task Heartbeats_StopThenResume_NodeGoesOfflineWithinTheWindowAndBack()
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var (nodeId, token, _) = await NodeApiClient.AddNodeAsync(admin, "beat-offline");
        using var agent = new TestAgent(fixture.Panel.AgentUrl);
        await agent.EnrollAsync(token);
        await agent.HeartbeatAsync();
        var silentSince = Stopwatch.StartNew();

        await WaitForStateAsync(admin, nodeId, "Offline", TimeSpan.FromSeconds(10));
        var offlineAfter = silentSince.Elapsed;
        await agent.HeartbeatAsync();

        offlineAfter.ShouldBeInRange(TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(8));   // 3 s window + 1 s check interval + a loaded CI machine
        await WaitForStateAsync(admin, nodeId, "Online", TimeSpan.FromSeconds(2));
        TestContext.Current.SendDiagnosticMessage($"offline after {offlineAfter.TotalSeconds:0.0} s of silence (window 3 s)");
        await using var db = fixture.Database.CreateContext();
        var actions = db.AuditEvents.Where(a => a.TargetId == nodeId).Select(a => a.Action).ToList();
        actions.ShouldContain("node.offline");
        actions.ShouldContain("node.online");
    }

    [Fact]
    public async Task Heartbeat_ReportDisagreesWithInventory_FlagsDriftWithoutChangingInstances()
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var (nodeId, token, _) = await NodeApiClient.AddNodeAsync(admin, "beat-drift");
        using var agent = new TestAgent(fixture.Panel.AgentUrl);
        await agent.EnrollAsync(token);
        var tenant = await fixture.Database.TenantAsync();
        var node = await NodeById(nodeId);
        var missing = await fixture.Database.InstanceAsync(tenant, node, "drift-missing");
        var resized = await fixture.Database.InstanceAsync(tenant, node, "drift-resized", memoryMiB: 1024);
        var stranger = Guid.NewGuid();

        await agent.HeartbeatAsync(
            new InstanceStatus { Id = resized.Id.ToString(), Name = "drift-resized", Kind = InstanceKind.Ct, State = InstanceState.Running, MemoryMib = 2048, Vcpus = 1 },
            new InstanceStatus { Id = stranger.ToString(), Name = "stray", Kind = InstanceKind.Vm, State = InstanceState.Running, MemoryMib = 512, Vcpus = 1 });

        var details = await NodeApiClient.NodeAsync(admin, nodeId);
        var drift = details.GetProperty("drift").EnumerateArray().Select(d => d.GetString()).ToList();
        drift.ShouldBe([
            "drift-missing: in the inventory, but the node does not have it",
            "drift-resized: inventory says 1024 MiB, node says 2048 MiB",
            $"stray ({stranger}): runs on the node, unknown to the inventory",
        ]);
        await using var check = fixture.Database.CreateContext();
        check.Instances.Single(i => i.Id == resized.Id).MemoryMiB.ShouldBe(1024);   // shown, not silently overwritten
        check.Instances.Any(i => i.Id == missing.Id).ShouldBeTrue();
    }

    private async Task<VzPanel.Core.Features.Nodes.Node> NodeById(string nodeId)
    {
        await using var db = fixture.Database.CreateContext();
        return db.Nodes.Single(n => n.Id == Guid.Parse(nodeId));
    }

    private static async Task WaitForStateAsync(HttpClient admin, string nodeId, string state, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var current = (await NodeApiClient.NodeAsync(admin, nodeId)).GetProperty("node").GetProperty("state").GetString();
            if (current == state) return;
            if (deadline.Elapsed > within) throw new TimeoutException($"Node stayed {current}, expected {state} within {within.TotalSeconds} s.");
            await Task.Delay(100);
        }
    }
}
