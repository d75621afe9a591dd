using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Core.Features.Nodes.Heartbeats;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.ServiceLayer;

/// <summary>
/// What nodes report, applied by the service layer: heartbeats (capacity, online, drift in words, never rewriting
/// instances), silence (offline after the configured time, on the fake clock), live observations, and the usage
/// segments a server's life writes.
/// </summary>
public sealed class NodeReportTests(PostgresServer server) : ServiceLayerTest(server)
{
    [Fact]
    public async Task Heartbeat_FromAnOfflineNode_BringsItBackWithTheReportedCapacity()
    {
        await SetStateAsync(N1.Id, NodeState.Offline);
        Host.Clock.Advance(TimeSpan.FromMinutes(1));

        var answer = await HeartbeatAsync(N1.Id, Agents.HeartbeatOf(N1.Id, Host.Clock.GetUtcNow(), ramMiB: 32768, cpus: 16));

        answer.Value.ShouldBe(5);   // the interval the agent is told to keep
        var node = await NodeAsync(N1.Id);
        (node.State, node.RamMiB, node.CpuCount, node.LastHeartbeatAt).ShouldBe((NodeState.Online, 32768L, 16, (DateTimeOffset?)Host.Clock.GetUtcNow()));
        (await AuditActionsAsync(N1.Id.ToString())).ShouldBe(["node.online"]);
    }

    [Fact]
    public async Task Heartbeat_WithAReplacedCertificate_IsForbiddenAndChangesNothing()
    {
        await SetStateAsync(N1.Id, NodeState.Offline);

        var answer = await Host.AsAsync<HeartbeatService, Result<int>>(AccessScope.System,
            h => h.RecordAsync(N1.Id, "old-thumbprint", Agents.HeartbeatOf(N1.Id, Host.Clock.GetUtcNow()), Ct));

        answer.Error!.Code.ShouldBe(ErrorCodes.Forbidden);
        (await NodeAsync(N1.Id)).State.ShouldBe(NodeState.Offline);
    }

    [Fact]
    public async Task Heartbeat_InMaintenance_StaysInMaintenance()
    {
        await SetStateAsync(N1.Id, NodeState.Maintenance);

        await HeartbeatAsync(N1.Id, Agents.HeartbeatOf(N1.Id, Host.Clock.GetUtcNow()));

        (await NodeAsync(N1.Id)).State.ShouldBe(NodeState.Maintenance);
    }

    [Fact]
    public async Task Heartbeat_NamesEveryDisagreement_WithoutRewritingTheInventory()
    {
        var resized = await ServerAsync(name: "resized", memoryMiB: 1024);
        var lost = await ServerAsync(name: "lost");
        var stopped = await ServerAsync(name: "stopped");
        Agents.Alter(N1.Id, resized.Id, i => i with { MemoryMiB = 2048, VCpus = 2 });
        Agents.Forget(N1.Id, lost.Id);
        Agents.Alter(N1.Id, stopped.Id, i => i with { State = InstanceState.Stopped });
        var stranger = new Instance { Name = "stranger", Kind = InstanceKind.Ct, MemoryMiB = 512, VCpus = 1 };
        Agents.Has(N1.Id, stranger, InstanceState.Running);
        Host.Clock.Advance(TimeSpan.FromSeconds(5));

        await HeartbeatAsync(N1.Id, Agents.HeartbeatOf(N1.Id, Host.Clock.GetUtcNow()));

        (await NodeAsync(N1.Id)).Drift.ShouldBe([
            "lost: in the inventory, but the node does not have it",
            "resized: inventory says 1024 MiB, node says 2048 MiB",
            "resized: inventory says 1 vCPUs, node says 2",
            "stopped: inventory says Running, node says Stopped",
            $"stranger ({stranger.Id}): runs on the node, unknown to the inventory"]);
        var inventory = (await Host.InstanceAsync(resized.Id))!;
        (inventory.MemoryMiB, inventory.VCpus).ShouldBe((1024L, 1));
        (await Host.InstanceAsync(lost.Id)).ShouldNotBeNull();
        (await Host.InstanceAsync(stopped.Id))!.State.ShouldBe(InstanceState.Running);
    }

    [Fact]
    public async Task Heartbeat_LeavesAServerWithAnOperationUnderWayToItsJob_AndAgreesOnceItEnded()
    {
        var server = await ServerAsync(memoryMiB: 1024);
        var asked = await Host.AdminAsync((c, ct) => c.SetMemoryAsync(server.Id, "2G", ct));
        Agents.Alter(N1.Id, server.Id, i => i with { MemoryMiB = 2048 });   // the node is already there, the job not yet

        await HeartbeatAsync(N1.Id, Agents.HeartbeatOf(N1.Id, Host.Clock.GetUtcNow()));
        (await NodeAsync(N1.Id)).Drift.ShouldBeEmpty();

        Host.Clock.Advance(TimeSpan.FromSeconds(1));
        (await Host.RunJobAsync(asked.Value!.Id)).Operation.State.ShouldBe(OperationState.Succeeded);
        Host.Clock.Advance(TimeSpan.FromSeconds(5));
        await HeartbeatAsync(N1.Id, Agents.HeartbeatOf(N1.Id, Host.Clock.GetUtcNow()));
        (await NodeAsync(N1.Id)).Drift.ShouldBeEmpty();
    }

    [Fact]
    public async Task Heartbeat_TakenBeforeAChangeTheJobRecorded_DoesNotJudgeIt()
    {
        var server = await ServerAsync();
        var before = Agents.HeartbeatOf(N1.Id, Host.Clock.GetUtcNow());   // still Running in this snapshot
        Host.Clock.Advance(TimeSpan.FromSeconds(2));
        await Host.DoAsync((c, ct) => c.StopAsync(server.Id, true, ct));

        await HeartbeatAsync(N1.Id, before);

        (await NodeAsync(N1.Id)).Drift.ShouldBeEmpty();
        Host.Clock.Advance(TimeSpan.FromSeconds(5));
        Agents.Alter(N1.Id, server.Id, i => i with { State = InstanceState.Running });   // someone started it on the node
        await HeartbeatAsync(N1.Id, Agents.HeartbeatOf(N1.Id, Host.Clock.GetUtcNow()));
        (await NodeAsync(N1.Id)).Drift.ShouldBe([$"{server.Name}: inventory says Stopped, node says Running"]);
    }

    [Fact]
    public async Task Heartbeat_WithATemplateCache_RegistersNewTemplates_AndPlacementPrefersTheNodeThatHasIt()
    {
        await ServerAsync(node: N1, memoryMiB: 4096, guaranteePercent: 100);   // n1 has less headroom than n2
        var report = Agents.HeartbeatOf(N1.Id, Host.Clock.GetUtcNow());
        report = report with
        {
            Node = report.Node with
            {
                Capabilities = [NodeCapabilities.TemplateCache, "memory-hotplug"],
                Templates = [new ReportedTemplate("rocky-9", InstanceKind.Vm, "2.0"), new ReportedTemplate("", InstanceKind.Vm, "1")],
                Versions = new Dictionary<string, string> { ["libvirt"] = "10.0" },
            },
        };

        await HeartbeatAsync(N1.Id, report);

        var node = await NodeAsync(N1.Id);
        node.Templates.ShouldBe([new NodeTemplate("rocky-9", InstanceKind.Vm, "2.0")]);
        (node.Versions["libvirt"], node.HasTemplateCache).ShouldBe(("10.0", true));
        var registered = await Host.ReadAsync(db => db.Templates.AsNoTracking().Where(t => t.Name == "rocky-9").ToListAsync(Ct));
        registered.Select(t => (t.Kind, t.Version)).ShouldBe([(InstanceKind.Vm, "2.0")]);
        var placed = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand
            { Spec = Spec("rocky1", kind: InstanceKind.Vm, template: "rocky-9"), TenantId = Alice.Id }, ct));
        placed.Value!.NodeId.ShouldBe(N1.Id);
        // Its cache is binding: n1 no longer builds from a template it does not report.
        var debian = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand
            { Spec = Spec("deb1", kind: InstanceKind.Vm), TenantId = Alice.Id, NodeId = N1.Id }, ct));
        debian.Error!.Message.ShouldContain("does not have template debian-12");
    }

    [Fact]
    public async Task Silence_TurnsOnlineNodesOfflineAfterTheConfiguredTime_OnlyOnce()
    {
        await SetStateAsync(N2.Id, NodeState.Maintenance);
        var monitor = ActivatorUtilities.CreateInstance<NodeOfflineMonitor>(Host.Services);
        Host.Clock.Advance(TimeSpan.FromSeconds(10));
        await HeartbeatAsync(N1.Id, Agents.HeartbeatOf(N1.Id, Host.Clock.GetUtcNow()));

        Host.Clock.Advance(TimeSpan.FromSeconds(14));
        await monitor.MarkSilentNodesOfflineAsync(Ct);
        (await NodeAsync(N1.Id)).State.ShouldBe(NodeState.Online);   // 14 s of silence: within the 15 s

        Host.Clock.Advance(TimeSpan.FromSeconds(2));
        await monitor.MarkSilentNodesOfflineAsync(Ct);
        await monitor.MarkSilentNodesOfflineAsync(Ct);
        (await NodeAsync(N1.Id)).State.ShouldBe(NodeState.Offline);
        (await NodeAsync(N2.Id)).State.ShouldBe(NodeState.Maintenance);   // maintenance is an admin's, not silence's
        (await AuditActionsAsync(N1.Id.ToString())).Count(a => a == "node.offline").ShouldBe(1);
    }

    [Fact]
    public async Task Observations_AreStaffOnly_AndSayWhenTheNodeDoesNotAnswer()
    {
        var read = await Host.AsAsync<INodeObservations, Result<NodeObservation>>(ServiceHost.Support, o => o.ReadAsync(N1.Id, Ct));
        (read.Value!.Ksm.SavedMiB, read.Value.Pools.Single().Name, read.Value.ReadAt).ShouldBe((1L, "default", Host.Clock.GetUtcNow()));

        (await Host.AsAsync<INodeObservations, Result<NodeObservation>>(ServiceHost.Customer(Alice.Id), o => o.ReadAsync(N1.Id, Ct)))
            .Error!.Code.ShouldBe(ErrorCodes.NotFound);
        Agents.Unreachable(N1.Id);
        (await Host.AsAsync<INodeObservations, Result<NodeObservation>>(ServiceHost.Admin, o => o.ReadAsync(N1.Id, Ct)))
            .Error!.Code.ShouldBe(ErrorCodes.Unavailable);
    }

    [Fact]
    public async Task UsageSegments_FollowAServersLife_ClosingAndOpeningExactlyWhenTheNodeConfirms()
    {
        var server = await ServerAsync(state: InstanceState.Stopped, memoryMiB: 1024, vcpus: 1);
        var t0 = Host.Clock.GetUtcNow();

        await Host.DoAsync((c, ct) => c.StartAsync(server.Id, ct));
        Host.Clock.Advance(TimeSpan.FromHours(2));
        await Host.DoAsync((c, ct) => c.SetMemoryAsync(server.Id, "4G", ct));
        Host.Clock.Advance(TimeSpan.FromHours(1));
        await Host.DoAsync((c, ct) => c.SetVCpusAsync(server.Id, 4, ct));
        Host.Clock.Advance(TimeSpan.FromMinutes(30));
        await Host.DoAsync((c, ct) => c.SetMemoryGuaranteeAsync(server.Id, 90, ct));
        Host.Clock.Advance(TimeSpan.FromMinutes(30));
        await Host.DoAsync((c, ct) => c.StopAsync(server.Id, false, ct));
        Host.Clock.Advance(TimeSpan.FromHours(5));
        await Host.DoAsync((c, ct) => c.DeleteAsync(server.Id, false, ct));

        var segments = await SegmentsAsync(server.Id);
        // Stopped, it paid for its disk only; the segment of that instant before the start never billed and is gone.
        segments.Select(s => (s.MemoryMiB, s.GuaranteedMiB, s.VCpus, s.DiskGiB, s.From, s.To)).ShouldBe([
            (1024L, 512L, 1, 10L, t0, (DateTimeOffset?)t0.AddHours(2)),
            (4096L, 2048L, 1, 10L, t0.AddHours(2), (DateTimeOffset?)t0.AddHours(3)),
            (4096L, 2048L, 4, 10L, t0.AddHours(3), (DateTimeOffset?)t0.AddHours(3.5)),
            (4096L, 3687L, 4, 10L, t0.AddHours(3.5), (DateTimeOffset?)t0.AddHours(4)),
            (0L, 0L, 0, 10L, t0.AddHours(4), (DateTimeOffset?)t0.AddHours(9))]);
        segments.ShouldAllBe(s => s.TenantId == Alice.Id);
        var plan = await Host.ReadAsync(db => db.Plans.SingleAsync(Ct));
        segments.ShouldAllBe(s => s.PlanId == plan.Id && s.PriceMemoryGiBHour == plan.PricePerGiBHour && s.PriceVCpuHour == plan.PricePerVCpuHour);
        segments.Sum(s => (decimal)(s.To!.Value - s.From).TotalHours * plan.HourlyPrice(s.MemoryMiB, s.VCpus)).ShouldBe(0.11m);
    }

    private Task<Result<int>> HeartbeatAsync(Guid nodeId, HeartbeatReport report) =>
        Host.AsAsync<HeartbeatService, Result<int>>(AccessScope.System, h => h.RecordAsync(nodeId, Thumbprint, report, Ct));

    private Task<Node> NodeAsync(Guid id) => Host.ReadAsync(db => db.Nodes.AsNoTracking().SingleAsync(n => n.Id == id, Ct));

    private Task<int> SetStateAsync(Guid nodeId, NodeState state) =>
        Host.ReadAsync(db => db.Nodes.Where(n => n.Id == nodeId).ExecuteUpdateAsync(s => s.SetProperty(n => n.State, state), Ct));
}
