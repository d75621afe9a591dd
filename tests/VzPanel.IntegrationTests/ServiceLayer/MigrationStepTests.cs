using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.ServiceLayer.Fakes;

namespace VzPanel.IntegrationTests.ServiceLayer;

/// <summary>
/// The migration job in process: its dry run, then prepare → transfer → complete and switch-over → clean-up against two
/// fake nodes; rollback when a step before the switch-over fails; a re-run after a crash that repeats nothing.
/// </summary>
public sealed class MigrationStepTests(PostgresServer server) : ServiceLayerTest(server)
{
    [Fact]
    public async Task DryRun_PassesEveryCheckForAHealthyTarget_AndChangesNothing()
    {
        var vm = await ServerAsync(kind: InstanceKind.Vm, memoryMiB: 2048);

        var plan = (await Host.AsAsync<IMigrationPlanner, Result<MigrationPlan>>(ServiceHost.Admin, p => p.DryRunAsync(vm.Id, null, Ct))).Value!;

        (plan.TargetNode, plan.Mode, plan.CanMigrate).ShouldBe(("n2", MigrationMode.Live, true));
        plan.Checks.Select(c => c.Name).ShouldBe(["state", "busy", "target", "engine", "node-state", "size", "capacity", "template", "accelerator", "network"]);
        plan.ExpectedTransferMiB.ShouldBe(2048);   // memory; the fake fleet has no volume rows for it yet
        (await Host.ReadAsync(db => db.Operations.CountAsync(Ct))).ShouldBe(0);
        Agents.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task DryRun_NamesEveryBlocker_AndTheRequestIsRefusedWithThem()
    {
        var server = await ServerAsync(memoryMiB: 4096, guaranteePercent: 100);
        await ServerAsync(node: N2, memoryMiB: 12288, guaranteePercent: 100);
        await Host.ReadAsync(db => db.Nodes.Where(n => n.Id == N2.Id).ExecuteUpdateAsync(s => s.SetProperty(n => n.State, NodeState.Maintenance), Ct));

        var plan = (await Host.AsAsync<IMigrationPlanner, Result<MigrationPlan>>(ServiceHost.Admin, p => p.DryRunAsync(server.Id, N2.Id, Ct))).Value!;
        plan.Checks.Where(c => !c.Passed).Select(c => c.Name).ShouldBe(["node-state", "capacity"]);

        var asked = await Host.AdminAsync((c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(N2.Id), ct));
        asked.Error!.Code.ShouldBe(ErrorCodes.Conflict);
        asked.Error.Message.ShouldContain("in maintenance");
        asked.Error.Message.ShouldContain("guarantees would reach");
    }

    [Fact]
    public async Task Migrate_IsForStaff_AndItsLimitsAreValidated()
    {
        var server = await ServerAsync();

        (await Host.AsAsync<IMigrationPlanner, Result<MigrationPlan>>(ServiceHost.Customer(Alice.Id), p => p.DryRunAsync(server.Id, null, Ct)))
            .Error!.Code.ShouldBe(ErrorCodes.NotFound);
        (await Host.AskAsync(ServiceHost.Customer(Alice.Id), (c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(), ct))).Error!.Code
            .ShouldBe(ErrorCodes.Forbidden);
        var slow = await Host.AdminAsync((c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(MaxDowntimeMs: 5), ct));
        (slow.Error!.Code, slow.Error.Fields!.Keys.Single()).ShouldBe((ErrorCodes.Validation, "maxDowntimeMs"));
    }

    [Fact]
    public async Task LiveMigration_RunsEveryPhaseInOrder_AndSwitchesTheInventoryOver()
    {
        var vm = await ServerAsync(kind: InstanceKind.Vm, memoryMiB: 2048, diskGiB: 20);
        var asked = await Host.AdminAsync((c, ct) => c.MigrateAsync(vm.Id, new MigrateCommand(MaxDowntimeMs: 200), ct));

        var (op, _) = await Host.RunJobAsync(asked.Value!.Id);

        (op.State, op.ProgressPercent).ShouldBe((OperationState.Succeeded, 100));
        Agents.Calls.Where(c => c.Applied).Select(c => (c.Method, c.NodeId, c.OperationId)).ShouldBe([
            (AgentMethod.PrepareMigrationTarget, N2.Id, StepIds.For(op.Id, 0)),
            (AgentMethod.Migrate, N1.Id, StepIds.For(op.Id, 1)),
            (AgentMethod.CompleteMigrationTarget, N2.Id, StepIds.For(op.Id, 2)),
            (AgentMethod.Delete, N1.Id, StepIds.For(op.Id, 3))]);
        var moved = (await Host.InstanceAsync(vm.Id))!;
        (moved.NodeId, moved.State).ShouldBe((N2.Id, InstanceState.Running));
        Agents.InstanceOn(N1.Id, vm.Id).ShouldBeNull();
        Agents.InstanceOn(N2.Id, vm.Id)!.State.ShouldBe(InstanceState.Running);
        var run = op.Migration!;
        (run.Phase, run.Mode, run.DowntimeMs, run.TransferMs, run.MaxDowntimeMs).ShouldBe((MigrationPhase.Done, MigrationMode.Live, 42L, 1500L, 200));
        run.TransferredBytes.ShouldBe((2048L << 20) + (64L << 20));
        var disk = (await VolumesAsync(vm.Id)).Single();
        (await Host.ReadAsync(db => db.StoragePools.SingleAsync(p => p.Id == disk.PoolId, Ct))).NodeId.ShouldBe(N2.Id);
        (await SegmentsAsync(vm.Id)).Count.ShouldBe(1);   // same size, still running: the bill goes on unbroken
        (await AuditActionsAsync(vm.Id.ToString())).ShouldBe(["instance.migrate", "instance.migrated", "operation.succeeded"]);
    }

    [Fact]
    public async Task StoppedServer_MovesOffline_AndStaysStopped()
    {
        var server = await ServerAsync(state: InstanceState.Stopped);

        var op = await Host.DoAsync((c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(N2.Id), ct));

        op.Error.ShouldBeNull(string.Join("\n", Host.Logs));
        (op.State, op.Migration!.Mode).ShouldBe((OperationState.Succeeded, MigrationMode.Offline));
        Agents.CallsOf(AgentMethod.CompleteMigrationTarget).Single().Detail.ShouldBe("start=False");
        var moved = (await Host.InstanceAsync(server.Id))!;
        (moved.NodeId, moved.State).ShouldBe((N2.Id, InstanceState.Stopped));
    }

    [Fact]
    public async Task TargetRefusesToPrepare_RollsBack_AndTheServerStaysWhereItRan()
    {
        var server = await ServerAsync();
        Agents.Refuse(AgentMethod.PrepareMigrationTarget, "not enough memory for the guarantee", N2.Id);

        var op = await Host.DoAsync((c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(), ct));

        op.State.ShouldBe(OperationState.Failed);
        op.Error.ShouldBe("Migration rolled back: node: not enough memory for the guarantee. It is running on n1.");
        op.Migration!.Phase.ShouldBe(MigrationPhase.RolledBack);
        Agents.CallsOf(AgentMethod.Migrate).ShouldBeEmpty();
        Agents.Applied(AgentMethod.AbortMigrationTarget).ShouldBe(1);
        var after = (await Host.InstanceAsync(server.Id))!;
        (after.NodeId, after.State).ShouldBe((N1.Id, InstanceState.Running));
    }

    [Fact]
    public async Task TransferFails_TheTargetForgetsWhatItGotAndTheSourceKeepsRunning()
    {
        var server = await ServerAsync();
        Agents.Fail(AgentMethod.Migrate, new Error(ErrorCodes.NodeFailed, "node n1: the connection to n2 broke"));

        var op = await Host.DoAsync((c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(), ct));

        op.State.ShouldBe(OperationState.Failed);
        op.Error!.ShouldStartWith("Migration rolled back: node n1: the connection to n2 broke.");
        Agents.HoldsIncoming(N2.Id, server.Id).ShouldBeFalse();
        Agents.CallsOf(AgentMethod.Start).ShouldBeEmpty();   // it never stopped
        (await Host.InstanceAsync(server.Id))!.NodeId.ShouldBe(N1.Id);
    }

    [Fact]
    public async Task TargetRefusesToComplete_RollsBack_AndStartsTheSourceCopyAgain()
    {
        var server = await ServerAsync();
        Agents.Refuse(AgentMethod.CompleteMigrationTarget, "the received image is damaged", N2.Id);

        var op = await Host.DoAsync((c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(), ct));

        op.State.ShouldBe(OperationState.Failed);
        op.Error!.ShouldContain("It is running on n1");
        Agents.Calls.Single(c => c.Method == AgentMethod.Start).OperationId.ShouldBe(StepIds.For(op.Id, 5));
        Agents.InstanceOn(N1.Id, server.Id)!.State.ShouldBe(InstanceState.Running);
        var after = (await Host.InstanceAsync(server.Id))!;
        (after.NodeId, after.State).ShouldBe((N1.Id, InstanceState.Running));
        Agents.HoldsIncoming(N2.Id, server.Id).ShouldBeFalse();
    }

    [Fact]
    public async Task CleanupFailure_IsANoteOnASuccess_TheServerRunsOnTheTarget()
    {
        var server = await ServerAsync();
        Agents.Fail(AgentMethod.Delete, new Error(ErrorCodes.NodeFailed, "node n1: the disk is busy"), N1.Id);

        var op = await Host.DoAsync((c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(), ct));

        op.State.ShouldBe(OperationState.Succeeded);
        op.Migration!.Note!.ShouldContain("could not be removed (node n1: the disk is busy)");
        (await Host.InstanceAsync(server.Id))!.NodeId.ShouldBe(N2.Id);
        Agents.InstanceOn(N1.Id, server.Id)!.State.ShouldBe(InstanceState.Stopped);
    }

    [Fact]
    public async Task CrashDuringTheTransfer_ReRunResumesWithTheSameIds_PreparingAndTransferringOnce()
    {
        var server = await ServerAsync();
        Agents.CrashAfter(AgentMethod.Migrate);
        var asked = await Host.AdminAsync((c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(), ct));

        var (crashed, didCrash) = await Host.RunJobAsync(asked.Value!.Id);
        didCrash.ShouldBeTrue();
        crashed.Migration!.Phase.ShouldBe(MigrationPhase.Transferring);
        (await Host.InstanceAsync(server.Id))!.NodeId.ShouldBe(N1.Id);

        var (op, _) = await Host.RunJobAsync(asked.Value.Id);

        (op.State, op.Attempts).ShouldBe((OperationState.Succeeded, 2));
        (Agents.Applied(AgentMethod.PrepareMigrationTarget), Agents.Applied(AgentMethod.Migrate)).ShouldBe((1, 1));
        Agents.CallsOf(AgentMethod.Migrate).Select(c => c.Detail).ShouldBe(["Live", "journal"]);
        (await Host.InstanceAsync(server.Id))!.NodeId.ShouldBe(N2.Id);
    }

    [Fact]
    public async Task CrashAfterTheTargetCompleted_ReRunSwitchesOverOnceAndCleansUp()
    {
        var server = await ServerAsync();
        Agents.CrashAfter(AgentMethod.CompleteMigrationTarget);
        var asked = await Host.AdminAsync((c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(), ct));

        var (crashed, _) = await Host.RunJobAsync(asked.Value!.Id);
        crashed.Migration!.Phase.ShouldBe(MigrationPhase.Completing);
        // Both nodes have a copy now and the inventory still says n1: while the migration is unfinished that is no drift.
        Agents.InstanceOn(N2.Id, server.Id)!.State.ShouldBe(InstanceState.Running);
        var heartbeat = await Host.AsAsync<Core.Features.Nodes.Heartbeats.HeartbeatService, Result<int>>(Core.Features.Tenancy.AccessScope.System,
            h => h.RecordAsync(N2.Id, Thumbprint, Agents.HeartbeatOf(N2.Id, Host.Clock.GetUtcNow()), Ct));
        heartbeat.IsSuccess.ShouldBeTrue();
        (await Host.ReadAsync(db => db.Nodes.SingleAsync(n => n.Id == N2.Id, Ct))).Drift.ShouldBeEmpty();

        var (op, _) = await Host.RunJobAsync(asked.Value.Id);

        op.State.ShouldBe(OperationState.Succeeded);
        Agents.CallsOf(AgentMethod.PrepareMigrationTarget).ShouldHaveSingleItem();   // not asked again: the phase said where it stood
        Agents.Applied(AgentMethod.CompleteMigrationTarget).ShouldBe(1);
        (await AuditActionsAsync(server.Id.ToString())).Count(a => a == "instance.migrated").ShouldBe(1);
        (await Host.InstanceAsync(server.Id))!.NodeId.ShouldBe(N2.Id);
        Agents.InstanceOn(N1.Id, server.Id).ShouldBeNull();
    }

    [Fact]
    public async Task TargetSilentAtCompletionOnTheLastAttempt_RollsBackRatherThanWaitingForever()
    {
        var server = await ServerAsync();
        Agents.TimeOut(AgentMethod.CompleteMigrationTarget, N2.Id);

        var op = await Host.DoAsync((c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(), ct));

        op.State.ShouldBe(OperationState.Failed);
        op.Migration!.Phase.ShouldBe(MigrationPhase.RolledBack);
        var after = (await Host.InstanceAsync(server.Id))!;
        (after.NodeId, after.State).ShouldBe((N1.Id, InstanceState.Running));
    }

    [Fact]
    public async Task Progress_IsReadEverySecondWhileTheTransferRuns_AndCancelRollsItBack()
    {
        var server = await ServerAsync();
        var transfer = Agents.Hold(AgentMethod.Migrate);
        var asked = await Host.AdminAsync((c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(), ct));
        var job = Host.RunJobAsync(asked.Value!.Id);
        await transfer.Reached.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // Half of 2 GiB left to send: 10 % for preparing plus half of the transfer's 70 %.
        var progressed = await Eventually.ReadAsync(async () =>
        {
            Host.Clock.Advance(TimeSpan.FromSeconds(1));
            return await Host.OperationAsync(asked.Value.Id);
        }, o => o.ProgressPercent == 45 && o.Migration?.TotalBytes == 2L << 30, TimeSpan.FromSeconds(30), "migration progress");
        progressed.CurrentStep!.ShouldStartWith("Copying memory: 1024 of 2048 MiB, 1024 MiB left");
        progressed.Migration!.TotalBytes.ShouldBe(2L << 30);

        var cancelled = await Host.AsAsync<IMigrationCancel, Result<OperationView>>(ServiceHost.Admin, m => m.CancelAsync(asked.Value.Id, Ct));
        cancelled.Error.ShouldBeNull();
        var (op, _) = await job;

        (op.State, op.Migration!.Phase).ShouldBe((OperationState.Failed, MigrationPhase.RolledBack));
        op.Error!.ShouldContain("migration cancelled");
        (await Host.InstanceAsync(server.Id))!.NodeId.ShouldBe(N1.Id);
        Agents.HoldsIncoming(N2.Id, server.Id).ShouldBeFalse();
        (await AuditActionsAsync(server.Id.ToString())).ShouldContain("operation.cancel");
    }

    [Fact]
    public async Task Drain_MovesEveryServerAway_LargestGuaranteeFirst_EachAsItsOwnMigration()
    {
        var small = await ServerAsync(name: "small", memoryMiB: 1024, guaranteePercent: 10);
        var big = await ServerAsync(name: "big", memoryMiB: 4096, guaranteePercent: 100);
        var drain = await Host.AsAsync<INodeDrain, Result<OperationView>>(ServiceHost.Admin, d => d.DrainAsync(N1.Id, Ct));
        (await Host.ReadAsync(db => db.Nodes.SingleAsync(n => n.Id == N1.Id, Ct))).State.ShouldBe(NodeState.Maintenance);

        // The drain job waits on the clock for each migration it asked for; the test runs those and moves the clock on.
        var job = Host.RunJobAsync(drain.Value!.Id);
        var moves = new List<Guid>();
        var done = await Eventually.ReadAsync(async () =>
        {
            foreach (var id in Host.Jobs.Waiting.Where(id => id != drain.Value.Id))
            {
                moves.Add((await Host.RunJobAsync(id)).Operation.TargetId!.Value);
            }
            Host.Clock.Advance(TimeSpan.FromMilliseconds(250));
            return await Host.OperationAsync(drain.Value.Id);
        }, o => o.IsFinished, TimeSpan.FromSeconds(60), "drain");
        await job;

        done.State.ShouldBe(OperationState.Succeeded);
        moves.ShouldBe([big.Id, small.Id]);
        (await Host.InstanceAsync(big.Id))!.NodeId.ShouldBe(N2.Id);
        (await Host.InstanceAsync(small.Id))!.NodeId.ShouldBe(N2.Id);
        (await Host.ReadAsync(db => db.Nodes.SingleAsync(n => n.Id == N1.Id, Ct))).State.ShouldBe(NodeState.Maintenance);
    }

    [Fact]
    public async Task Cancel_WhenNoTransferRuns_IsConflict_AndCustomersMayNot()
    {
        var server = await ServerAsync();
        var asked = await Host.AdminAsync((c, ct) => c.MigrateAsync(server.Id, new MigrateCommand(), ct));

        (await Host.AsAsync<IMigrationCancel, Result<OperationView>>(ServiceHost.Customer(Alice.Id), m => m.CancelAsync(asked.Value!.Id, Ct)))
            .Error!.Code.ShouldBe(ErrorCodes.Forbidden);
        var idle = await Host.AsAsync<IMigrationCancel, Result<OperationView>>(ServiceHost.Admin, m => m.CancelAsync(asked.Value!.Id, Ct));
        idle.Error!.Code.ShouldBe(ErrorCodes.Conflict);
        idle.Error.Message.ShouldContain("No transfer");
    }
}
