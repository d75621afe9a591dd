using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.Core.Features.Storage;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.ServiceLayer.Fakes;

namespace VzPanel.IntegrationTests.ServiceLayer;

/// <summary>
/// Each operation handler run through <see cref="OperationJob"/>: the calls it makes, its progress, and what it writes to
/// the inventory when the node does it, refuses, stays silent, loses its reply or no longer has the server.
/// </summary>
public sealed class OperationHandlerTests(PostgresServer server) : ServiceLayerTest(server)
{
    [Fact]
    public async Task Create_BuildsThenStartsWithDerivedStepIds_AndRecordsTheVmsDisk()
    {
        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand
            { Spec = Spec("vm1", "2G", InstanceKind.Vm, disk: "20G"), TenantId = Alice.Id }, ct));
        Host.Clock.Advance(TimeSpan.FromMinutes(2));

        var (op, _) = await Host.RunJobAsync(asked.Value!.Id);

        (op.State, op.ProgressPercent, op.CurrentStep, op.Attempts).ShouldBe((OperationState.Succeeded, 100, "Done", 1));
        Agents.Calls.Where(c => c.Applied).Select(c => (c.Method, c.OperationId))
            .ShouldBe([(AgentMethod.Create, op.Id.ToString()), (AgentMethod.Start, StepIds.For(op.Id, 1))]);
        var vm = (await Host.InstanceAsync(op.TargetId!.Value))!;
        (vm.State, vm.DiskGiB, vm.UpdatedAt).ShouldBe((InstanceState.Running, 20L, Host.Clock.GetUtcNow()));
        var disk = (await VolumesAsync(vm.Id)).Single();
        (disk.Name, disk.SizeBytes, disk.Format).ShouldBe(($"{vm.Id}.qcow2", 20L << 30, VolumeFormat.Qcow2));
        (await Host.ReadAsync(db => db.StoragePools.SingleAsync(p => p.NodeId == vm.NodeId, Ct))).Name.ShouldBe(FakeNodeAgentGateway.DefaultPool);
        var segment = (await SegmentsAsync(vm.Id)).Single();
        (segment.MemoryMiB, segment.From, segment.To).ShouldBe((2048L, Host.Clock.GetUtcNow(), (DateTimeOffset?)null));
        (await AuditActionsAsync(vm.Id.ToString())).ShouldBe(["instance.create", "operation.succeeded"]);
    }

    [Fact]
    public async Task Create_WithoutStart_LeavesItStoppedAndBillsOnlyItsDisk()
    {
        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand { Spec = Spec("cold1"), TenantId = Alice.Id, Start = false }, ct));

        var (op, _) = await Host.RunJobAsync(asked.Value!.Id);

        (await Host.InstanceAsync(op.TargetId!.Value))!.State.ShouldBe(InstanceState.Stopped);
        Agents.CallsOf(AgentMethod.Start).ShouldBeEmpty();
        var segment = (await SegmentsAsync(op.TargetId.Value)).Single();
        (segment.MemoryMiB, segment.GuaranteedMiB, segment.VCpus, segment.DiskGiB, segment.To).ShouldBe((0L, 0L, 0, 10L, (DateTimeOffset?)null));
    }

    [Fact]
    public async Task Create_RefusedByTheNode_RemovesTheServerItNeverBuilt()
    {
        Agents.Refuse(AgentMethod.Create, "template debian-12 is not in the cache");
        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand { Spec = Spec("never"), TenantId = Alice.Id }, ct));

        var (op, _) = await Host.RunJobAsync(asked.Value!.Id);

        op.State.ShouldBe(OperationState.Failed);
        op.Error.ShouldBe("Node: template debian-12 is not in the cache");
        (await Host.InstanceAsync(op.TargetId!.Value)).ShouldBeNull();
        // The name is free again.
        (await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand { Spec = Spec("never"), TenantId = Alice.Id }, ct))).Error.ShouldBeNull();
    }

    [Fact]
    public async Task Create_NodeGoneSilent_MarksTheServerFailedForAPersonToLookAt()
    {
        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand { Spec = Spec("limbo"), TenantId = Alice.Id }, ct));
        Agents.Unreachable(N1.Id);

        var (op, _) = await Host.RunJobAsync(asked.Value!.Id);

        op.State.ShouldBe(OperationState.Failed);
        op.Error!.ShouldContain("did not answer");
        (await Host.InstanceAsync(op.TargetId!.Value))!.State.ShouldBe(InstanceState.Failed);
    }

    [Fact]
    public async Task Start_ShowsStartingWhileTheNodeWorks_ThenRunningAndOpensAUsageSegment()
    {
        var server = await ServerAsync(state: InstanceState.Stopped, memoryMiB: 2048, vcpus: 2);
        var held = Agents.Hold(AgentMethod.Start);
        var asked = await Host.AdminAsync((c, ct) => c.StartAsync(server.Id, ct));

        var job = Host.RunJobAsync(asked.Value!.Id);
        await held.Reached.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        (await Host.InstanceAsync(server.Id))!.State.ShouldBe(InstanceState.Starting);
        var running = await Host.OperationAsync(asked.Value.Id);
        (running.State, running.ProgressPercent, running.CurrentStep).ShouldBe((OperationState.Running, 20, "Starting on n1"));
        (await Host.AdminAsync((c, ct) => c.StopAsync(server.Id, true, ct))).Error!.Code.ShouldBe(ErrorCodes.Busy);
        Host.Clock.Advance(TimeSpan.FromSeconds(5));
        held.Release();
        var (op, _) = await job;

        op.State.ShouldBe(OperationState.Succeeded);
        (await Host.InstanceAsync(server.Id))!.State.ShouldBe(InstanceState.Running);
        // Stopped it paid for its disk; from the moment the node confirmed the start, for what runs.
        (await SegmentsAsync(server.Id)).Select(s => (s.MemoryMiB, s.VCpus, s.DiskGiB, s.From, s.To)).ShouldBe([
            (0L, 0, 10L, ServiceHost.Start, (DateTimeOffset?)ServiceHost.Start.AddSeconds(5)),
            (2048L, 2, 10L, ServiceHost.Start.AddSeconds(5), null)]);
    }

    [Fact]
    public async Task Stop_Graceful_AsksForTheConfiguredShutdownTime_AndClosesTheUsageSegment()
    {
        var server = await ServerAsync();
        Host.Clock.Advance(TimeSpan.FromHours(3));

        var op = await Host.DoAsync((c, ct) => c.StopAsync(server.Id, false, ct));

        op.State.ShouldBe(OperationState.Succeeded);
        Agents.CallsOf(AgentMethod.Stop).Single().Detail.ShouldBe("force=False timeout=30");
        (await Host.InstanceAsync(server.Id))!.State.ShouldBe(InstanceState.Stopped);
        (await SegmentsAsync(server.Id)).Select(s => (s.MemoryMiB, s.DiskGiB, s.From, s.To)).ShouldBe([
            (1024L, 10L, ServiceHost.Start, (DateTimeOffset?)ServiceHost.Start.AddHours(3)),
            (0L, 10L, ServiceHost.Start.AddHours(3), null)]);
    }

    [Fact]
    public async Task Stop_RefusedByTheNode_PutsTheServerBackAsItWas()
    {
        var server = await ServerAsync();
        Agents.Refuse(AgentMethod.Stop, "a backup holds the container");

        var op = await Host.DoAsync((c, ct) => c.StopAsync(server.Id, false, ct));

        (op.State, op.Error).ShouldBe((OperationState.Failed, "Node: a backup holds the container"));
        (await Host.InstanceAsync(server.Id))!.State.ShouldBe(InstanceState.Running);
        (await SegmentsAsync(server.Id)).Single().To.ShouldBeNull();   // still billed: it still runs
        (await AuditActionsAsync(server.Id.ToString())).ShouldBe(["instance.stop", "operation.failed"]);
    }

    [Fact]
    public async Task Stop_NodeSilentForTheWholeWindow_WritesWhatTheNodeHasOnceItAnswersAgain()
    {
        var server = await ServerAsync();
        Agents.TimeOut(AgentMethod.Stop);

        var op = await Host.DoAsync((c, ct) => c.StopAsync(server.Id, true, ct));

        op.State.ShouldBe(OperationState.Failed);
        op.Error!.ShouldContain("Gave up after retrying");
        (await Host.InstanceAsync(server.Id))!.State.ShouldBe(InstanceState.Running);   // as the node reported it afterwards
        Agents.CallsOf(AgentMethod.FindInstance).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Stop_NobodyCanTell_MarksTheServerUnknown()
    {
        var server = await ServerAsync();
        Agents.Unreachable(N1.Id);

        var op = await Host.DoAsync((c, ct) => c.StopAsync(server.Id, true, ct));

        op.State.ShouldBe(OperationState.Failed);
        (await Host.InstanceAsync(server.Id))!.State.ShouldBe(InstanceState.Unknown);
        (await SegmentsAsync(server.Id)).Single().To.ShouldBeNull();   // billed as the node last confirmed it, until it says otherwise
    }

    [Fact]
    public async Task Restart_CallsTheNodeOnceWithoutLooking_AndLeavesTheServerRunning()
    {
        var server = await ServerAsync();

        var op = await Host.DoAsync((c, ct) => c.RestartAsync(server.Id, ct));

        op.State.ShouldBe(OperationState.Succeeded);
        Agents.Applied(AgentMethod.Restart).ShouldBe(1);
        Agents.CallsOf(AgentMethod.FindInstance).ShouldBeEmpty();   // nothing to look at: a restart leaves no trace
        (await Host.InstanceAsync(server.Id))!.State.ShouldBe(InstanceState.Running);
        (await SegmentsAsync(server.Id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Delete_PowersOffThenDeletes_RemovingTheRowItsVolumesAndClosingUsage()
    {
        var vm = await CreatedVmAsync("gone1");
        Host.Clock.Advance(TimeSpan.FromHours(1));

        var op = await Host.DoAsync((c, ct) => c.DeleteAsync(vm.Id, false, ct));

        op.State.ShouldBe(OperationState.Succeeded);
        Agents.Calls.Where(c => c.Applied && c.InstanceId == vm.Id).Select(c => c.Method).TakeLast(2).ShouldBe([AgentMethod.Stop, AgentMethod.Delete]);
        Agents.CallsOf(AgentMethod.Delete).Single().Detail.ShouldBe("keepVolumes=False");
        (await Host.InstanceAsync(vm.Id)).ShouldBeNull();
        (await Host.ReadAsync(db => db.Volumes.CountAsync(Ct))).ShouldBe(0);
        (await SegmentsAsync(vm.Id)).Single().To.ShouldBe((DateTimeOffset?)Host.Clock.GetUtcNow());   // usage outlives the server
    }

    [Fact]
    public async Task Delete_KeepVolumes_KeepsTheDiskRowsAsVolumesOfNoServer()
    {
        var vm = await CreatedVmAsync("keep1");
        var disk = (await VolumesAsync(vm.Id)).Single();

        var op = await Host.DoAsync((c, ct) => c.DeleteAsync(vm.Id, true, ct));

        op.State.ShouldBe(OperationState.Succeeded);
        Agents.CallsOf(AgentMethod.Delete).Single().Detail.ShouldBe("keepVolumes=True");
        (await Host.InstanceAsync(vm.Id)).ShouldBeNull();
        var kept = (await VolumesAsync(null)).Single();
        (kept.Id, kept.Name, kept.SizeBytes).ShouldBe((disk.Id, disk.Name, disk.SizeBytes));
        Agents.VolumesOn(N1.Id, vm.Id).ShouldNotBeEmpty();   // and the node still has the disk, as asked
    }

    [Fact]
    public async Task Delete_ReplyLostButTheNodeNoLongerHasIt_EndsWithTheServerRemoved()
    {
        var server = await ServerAsync();
        Host.Clock.Advance(TimeSpan.FromHours(1));
        Agents.LoseReply(AgentMethod.Delete);

        var op = await Host.DoAsync((c, ct) => c.DeleteAsync(server.Id, false, ct));

        Agents.InstanceOn(N1.Id, server.Id).ShouldBeNull();
        op.State.ShouldBe(OperationState.Succeeded);
        (await Host.InstanceAsync(server.Id)).ShouldBeNull();
        (await SegmentsAsync(server.Id)).Single().To.ShouldBe(Host.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Delete_OfAServerTheNodeAlreadyLost_OnlyRemovesItFromTheInventory()
    {
        var server = await ServerAsync();
        Agents.Forget(N1.Id, server.Id);

        var op = await Host.DoAsync((c, ct) => c.DeleteAsync(server.Id, false, ct));

        op.State.ShouldBe(OperationState.Succeeded);
        Agents.Applied(AgentMethod.Delete).ShouldBe(0);
        (await Host.InstanceAsync(server.Id)).ShouldBeNull();
    }

    [Fact]
    public async Task SetMemory_ClosesTheOldUsageSegmentAndOpensOneAtTheNewSizeWhenTheNodeConfirms()
    {
        var server = await ServerAsync(memoryMiB: 1024);
        Host.Clock.Advance(TimeSpan.FromMinutes(90));

        var op = await Host.DoAsync((c, ct) => c.SetMemoryAsync(server.Id, "3G", ct));

        (op.State, op.Summary).ShouldBe((OperationState.Succeeded, $"Memory of {server.Name}: 1G → 3G"));
        Agents.InstanceOn(N1.Id, server.Id)!.MemoryMiB.ShouldBe(3072);
        (await Host.InstanceAsync(server.Id))!.MemoryMiB.ShouldBe(3072);
        var segments = await SegmentsAsync(server.Id);
        segments.Select(s => (s.MemoryMiB, s.From, s.To)).ShouldBe([
            (1024L, ServiceHost.Start, (DateTimeOffset?)ServiceHost.Start.AddMinutes(90)),
            (3072L, ServiceHost.Start.AddMinutes(90), null)]);
    }

    [Fact]
    public async Task SetMemory_NodeSaysItDoesNotHaveTheServer_MarksItUnknown()
    {
        var server = await ServerAsync();
        Agents.Forget(N1.Id, server.Id);

        var op = await Host.DoAsync((c, ct) => c.SetMemoryAsync(server.Id, "2G", ct));

        op.State.ShouldBe(OperationState.Failed);
        op.Error!.ShouldContain("not found");
        var after = (await Host.InstanceAsync(server.Id))!;
        (after.State, after.MemoryMiB).ShouldBe((InstanceState.Unknown, 1024L));
    }

    [Fact]
    public async Task SetVCpus_NodeAnswersMissingThenCannotBeRead_MarksItUnknownNotAsBefore()
    {
        var server = await ServerAsync(vcpus: 1);
        Agents.ReportMissing(AgentMethod.SetVCpus);
        Agents.Fail(AgentMethod.FindInstance, Error.Unavailable("Node n1 did not answer: Unavailable."));

        var op = await Host.DoAsync((c, ct) => c.SetVCpusAsync(server.Id, 2, ct));

        op.State.ShouldBe(OperationState.Failed);
        (await Host.InstanceAsync(server.Id))!.State.ShouldBe(InstanceState.Unknown);
    }

    [Fact]
    public async Task SetVCpus_NodeAnswersMissingButStillListsTheServer_TakesWhatTheNodeLists()
    {
        var server = await ServerAsync(vcpus: 1);
        Agents.ReportMissing(AgentMethod.SetVCpus);

        var op = await Host.DoAsync((c, ct) => c.SetVCpusAsync(server.Id, 2, ct));

        op.State.ShouldBe(OperationState.Failed);
        var after = (await Host.InstanceAsync(server.Id))!;
        (after.State, after.VCpus).ShouldBe((InstanceState.Running, 1));
    }

    [Fact]
    public async Task SetVCpus_ReplyLost_WritesWhatTheNodeReallyHasThoughTheOperationFailed()
    {
        var server = await ServerAsync(vcpus: 1);
        Host.Clock.Advance(TimeSpan.FromHours(1));
        Agents.LoseReply(AgentMethod.SetVCpus);

        var op = await Host.DoAsync((c, ct) => c.SetVCpusAsync(server.Id, 4, ct));

        op.State.ShouldBe(OperationState.Failed);
        var after = (await Host.InstanceAsync(server.Id))!;
        (after.State, after.VCpus).ShouldBe((InstanceState.Running, 4));
        (await SegmentsAsync(server.Id)).Select(s => s.VCpus).ShouldBe([1, 4]);   // billed at what runs
    }

    [Fact]
    public async Task SetMemoryGuarantee_ChangesTheGuaranteeButNotTheBill()
    {
        var server = await ServerAsync(guaranteePercent: 50);

        var op = await Host.DoAsync((c, ct) => c.SetMemoryGuaranteeAsync(server.Id, 80, ct));

        op.State.ShouldBe(OperationState.Succeeded);
        (await Host.InstanceAsync(server.Id))!.MemoryGuaranteePercent.ShouldBe(80);
        (await SegmentsAsync(server.Id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task ResizeDisk_GrowsTheImageAndItsVolumeRow()
    {
        var vm = await CreatedVmAsync("disk1");

        var op = await Host.DoAsync((c, ct) => c.ResizeDiskAsync(vm.Id, "40G", ct));

        (op.State, op.CurrentStep).ShouldBe((OperationState.Succeeded, "Done"));
        (await Host.InstanceAsync(vm.Id))!.DiskGiB.ShouldBe(40);
        (await VolumesAsync(vm.Id)).Single().SizeBytes.ShouldBe(40L << 30);
    }

    [Fact]
    public async Task RerunAfterACrashMidStep_AsksTheNodeFirstAndNeverAppliesTwice()
    {
        var server = await ServerAsync(memoryMiB: 1024);
        Agents.CrashAfter(AgentMethod.SetMemory);
        var asked = await Host.AdminAsync((c, ct) => c.SetMemoryAsync(server.Id, "2G", ct));

        var (crashed, didCrash) = await Host.RunJobAsync(asked.Value!.Id);
        didCrash.ShouldBeTrue();
        (crashed.State, crashed.JobId).ShouldBe((OperationState.Running, "inline"));
        (await Host.InstanceAsync(server.Id))!.MemoryMiB.ShouldBe(1024);   // the panel never heard back

        var (rerun, _) = await Host.RunJobAsync(asked.Value.Id);

        (rerun.State, rerun.Attempts).ShouldBe((OperationState.Succeeded, 2));
        Agents.Applied(AgentMethod.SetMemory).ShouldBe(1);
        Agents.CallsOf(AgentMethod.SetMemory)[^1].Detail.ShouldBe("already done");
        (await Host.InstanceAsync(server.Id))!.MemoryMiB.ShouldBe(2048);
    }

    [Fact]
    public async Task RerunOfACreateThatCrashedAfterBuilding_StartsItWithoutBuildingAgain()
    {
        Agents.CrashAfter(AgentMethod.Create);
        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand { Spec = Spec("phoenix"), TenantId = Alice.Id }, ct));
        (await Host.RunJobAsync(asked.Value!.Id)).Crashed.ShouldBeTrue();

        var (op, _) = await Host.RunJobAsync(asked.Value.Id);

        op.State.ShouldBe(OperationState.Succeeded);
        (Agents.Applied(AgentMethod.Create), Agents.Applied(AgentMethod.Start)).ShouldBe((1, 1));
        (await Host.InstanceAsync(op.TargetId!.Value))!.State.ShouldBe(InstanceState.Running);
    }

    [Fact]
    public async Task AJobThatRetriesAStepTheNodeJournaled_GetsTheJournaledAnswer()
    {
        var server = await ServerAsync(state: InstanceState.Stopped);
        var asked = await Host.AdminAsync((c, ct) => c.StartAsync(server.Id, ct));
        var change = new Core.Features.Nodes.Agents.AgentChange(asked.Value!.Id.ToString(), _ => Task.CompletedTask);
        var node = Core.Features.Nodes.Agents.AgentNode.Of(N1);
        (await Agents.StartAsync(node, change, server.Id, Ct)).IsSuccess.ShouldBeTrue();
        Agents.Alter(N1.Id, server.Id, i => i with { State = InstanceState.Stopped });   // someone stopped it on the node since

        var (op, _) = await Host.RunJobAsync(asked.Value.Id);

        op.State.ShouldBe(OperationState.Succeeded);
        Agents.Applied(AgentMethod.Start).ShouldBe(1);   // the agent recognised the operation id
        Agents.CallsOf(AgentMethod.Start)[^1].Detail.ShouldBe("journal");
    }

    [Fact]
    public async Task ASecondJobForTheSameOperation_ClaimsNothing()
    {
        var server = await ServerAsync();
        var asked = await Host.AdminAsync((c, ct) => c.SetVCpusAsync(server.Id, 2, ct));
        await using var di = Host.Services.CreateAsyncScope();
        di.ServiceProvider.GetRequiredService<Core.Features.Tenancy.CurrentAccess>().Scope = Core.Features.Tenancy.AccessScope.System;
        var store = di.ServiceProvider.GetRequiredService<OperationStore>();

        (await store.ClaimAsync(asked.Value!.Id, "job-a", Ct)).ShouldNotBeNull();
        (await store.ClaimAsync(asked.Value.Id, "job-b", Ct)).ShouldBeNull();
        (await store.ClaimAsync(asked.Value.Id, "job-a", Ct))!.Attempts.ShouldBe(2);   // the owner's own retry continues
    }

    [Fact]
    public async Task AServerRemovedBehindTheJobsBack_EndsTheOperationWithoutAskingTheNode()
    {
        var server = await ServerAsync();
        var asked = await Host.AdminAsync((c, ct) => c.StopAsync(server.Id, true, ct));
        await Host.ReadAsync(async db =>
        {
            await db.UsageSegments.Where(u => u.InstanceId == server.Id).ExecuteDeleteAsync(Ct);
            return await db.Instances.Where(i => i.Id == server.Id).ExecuteDeleteAsync(Ct);
        });

        var (op, _) = await Host.RunJobAsync(asked.Value!.Id);

        (op.State, op.Error).ShouldBe((OperationState.Failed, "The server no longer exists in the inventory."));
        Agents.Calls.ShouldBeEmpty();
    }

    /// <summary>A VM made through the create job, so its volume rows are the ones the panel records.</summary>
    private async Task<Instance> CreatedVmAsync(string name)
    {
        var asked = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand
            { Spec = Spec(name, "1G", InstanceKind.Vm, disk: "20G"), TenantId = Alice.Id, NodeId = N1.Id }, ct));
        var (op, _) = await Host.RunJobAsync(asked.Value!.Id);
        op.State.ShouldBe(OperationState.Succeeded);
        Agents.ClearCalls();
        return (await Host.InstanceAsync(op.TargetId!.Value))!;
    }
}
