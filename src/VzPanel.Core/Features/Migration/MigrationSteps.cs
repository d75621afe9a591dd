using System.Diagnostics;
using Microsoft.Extensions.Logging;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Instances.Operations;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.Core.Features.Storage;

namespace VzPanel.Core.Features.Migration;

/// <summary>
/// The migration state machine: prepare the target → transfer from the source → complete on the target and switch
/// the inventory over → delete the source's stopped copy. Every phase is saved before it acts and every agent call
/// carries an id derived from the operation, so a re-run after a panel or agent crash repeats nothing. Until the
/// target confirms it runs the server, a failure rolls back: the target forgets it and the source runs it as before.
/// </summary>
public sealed class MigrationSteps(INodeAgentGateway agents, MigrationStore store, VolumeRecorder volumes, TimeProvider clock, ILogger<MigrationSteps> logger)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    public async Task RunAsync(OperationRun job, ServerTarget instance, CancellationToken ct)
    {
        var (operation, report) = (job.Operation, job.Report);
        var run = operation.Migration ?? throw new InvalidOperationException($"operation {operation.Id} has no migration");
        var clock0 = Stopwatch.StartNew();
        // Both from the nodes table: after the switch-over the server's own node is the target, not the source.
        var source = await store.NodeAsync(run.SourceNodeId, ct);
        var target = await store.NodeAsync(run.TargetNodeId, ct);
        var id = instance.InstanceId;
        // Reports what the step does and gives the node call that text, to show again when it retries after a wait.
        async Task<AgentChange> Step(int n, int percent, string label)
        {
            await report(percent, label);
            return new(StepIds.For(operation.Id, n), waiting => report(percent, waiting)) { Label = label };
        }

        if (run.Phase is MigrationPhase.Preparing or MigrationPhase.Transferring)
        {
            var prepare = await Step(0, 5, $"Preparing {run.TargetNode} to take {instance.Name}");
            var prepared = await agents.PrepareMigrationTargetAsync(target, prepare, instance.Spec, run.Mode, ct);
            if (!prepared.IsSuccess)
            {
                await RollBackAsync(job, run, instance, source, target, prepared.Error!.Message, ct);
                return;
            }
            run = await store.SaveAsync(operation, run with { Phase = MigrationPhase.Transferring }, ct);
            var move = await Step(1, 10, $"Moving {instance.Name} from {run.SourceNode} to {run.TargetNode} ({Lower(run.Mode)})");
            var transfer = new MigrationTransfer(id, prepared.Value!, run.Mode, run.MaxDowntimeMs, run.BandwidthMibPerSecond);
            var moved = await TransferAsync(operation, source, transfer, move, report, ct);
            if (!moved.IsSuccess)
            {
                await RollBackAsync(job, run, instance, source, target, moved.Error!.Message, ct);
                return;
            }
            var m = moved.Value!;
            run = await store.SaveAsync(operation, run with
            {
                Phase = MigrationPhase.Completing, TransferredBytes = m.TransferredBytes, TotalBytes = Math.Max(run.TotalBytes, m.TransferredBytes),
                DowntimeMs = m.DowntimeMs, TransferMs = m.DurationMs,
            }, ct);
        }

        if (run.Phase == MigrationPhase.Completing)
        {
            var complete = await Step(2, 85, run.WasRunning ? $"Starting {instance.Name} on {run.TargetNode}" : $"Registering {instance.Name} on {run.TargetNode}");
            var started = Stopwatch.StartNew();
            var completed = await agents.CompleteMigrationTargetAsync(target, complete, id, run.WasRunning, ct);
            if (!completed.IsSuccess)
            {
                // The target would not or could not confirm it runs the server: the source's copy is still whole.
                if (completed.Error!.IsRefusal() || job.IsLastAttempt)
                {
                    await RollBackAsync(job, run, instance, source, target, completed.Error!.Message, ct);
                    return;
                }
                // A node that stays away after the transfer must not end it: Hangfire runs the job again later, and
                // the saved phase tells the re-run where to go on.
                logger.LogWarning("Migration {OperationId} of {Target} waits for a node: {Reason}", operation.Id, operation.TargetName, completed.Error!.Message);
                throw new InvalidOperationException($"Migration {operation.Id} is waiting for a node: {completed.Error!.Message}");
            }
            var onTarget = completed.Value ?? throw new InvalidOperationException($"{run.TargetNode} completed the migration without reporting the server");
            // A cold move runs nowhere from the stop on the source until this start on the target.
            if (run.Mode == MigrationMode.Cold) run = run with { DowntimeMs = (run.DowntimeMs ?? 0) + (long)started.Elapsed.TotalMilliseconds };
            var storage = await volumes.ReadAsync(target, id, ct);
            run = await store.SwitchOverAsync(operation, run, onTarget, storage, ct);
        }

        if (run.Phase == MigrationPhase.CleaningUp)
        {
            var cleanUp = await Step(3, 95, $"Removing the stopped copy from {run.SourceNode}");
            string? note = null;
            var deleted = await agents.DeleteAsync(source, cleanUp, id, keepVolumes: false, ct);
            if (!deleted.IsSuccess && !deleted.Error!.IsMissing())
            {
                note = $"The stopped copy on {run.SourceNode} could not be removed ({deleted.Error!.Message}); it stays there, stopped, until an administrator deletes it.";
                logger.LogWarning("Migration {OperationId}: {Note}", operation.Id, note);
            }
            var observed = await ObserveAsync(target, id, ct);
            await store.FinishAsync(operation, run with { Phase = MigrationPhase.Done, Note = note, TotalMs = TotalMs(operation, clock0) }, null, observed, ct);
        }
    }

    /// <summary>Runs the source's transfer, reading its progress every second for the operation's bar.</summary>
    private async Task<Result<MigrationOutcome>> TransferAsync(Operation operation, AgentNode source, MigrationTransfer transfer, AgentChange change,
        ProgressReport report, CancellationToken ct)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watch = WatchAsync(operation, source, transfer.InstanceId, report, done.Token);
        try
        {
            return await agents.MigrateAsync(source, change, transfer, ct);
        }
        finally
        {
            await done.CancelAsync();
            await watch;
        }
    }

    private async Task WatchAsync(Operation operation, AgentNode source, Guid id, ProgressReport report, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ProgressEvery, clock, ct);
                // A progress read that fails this time leaves the bar where it is.
                if (await agents.GetMigrationProgressAsync(source, id, ct) is not { IsSuccess: true, Value: { Active: true, TotalBytes: > 0 } p }) continue;
                // Done is what no longer needs sending: QEMU skips zero pages, so bytes sent understate it.
                var sent = Math.Clamp(p.TotalBytes - p.RemainingBytes, 0, p.TotalBytes);
                var percent = 10 + (int)(70 * sent / p.TotalBytes);
                var dirty = p.DirtyBytesPerSecond > 0 ? $", the guest dirties {p.DirtyBytesPerSecond >> 20} MiB/s" : "";
                await report(percent, $"Copying {p.Phase}: {sent >> 20} of {p.TotalBytes >> 20} MiB, {p.RemainingBytes >> 20} MiB left{dirty}");
                await store.SaveAsync(operation, operation.Migration! with
                    { TotalBytes = p.TotalBytes, TransferredBytes = p.TransferredBytes, DirtyBytesPerSecond = p.DirtyBytesPerSecond }, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The transfer ended.
        }
    }

    /// <summary>The target forgets the server; the source runs it again if it ran before. Ends the operation as failed.</summary>
    private async Task RollBackAsync(OperationRun job, MigrationRun run, ServerTarget instance, AgentNode source, AgentNode target, string reason,
        CancellationToken ct)
    {
        var operation = job.Operation;
        await job.Report(90, $"Rolling back: {instance.Name} stays on {run.SourceNode}");
        AgentChange Step(int n) => new(StepIds.For(operation.Id, n), waiting => job.Report(90, waiting));
        var notes = new List<string>();
        var aborted = await agents.AbortMigrationTargetAsync(target, Step(4), instance.InstanceId, ct);
        if (!aborted.IsSuccess)
            notes.Add($"{run.TargetNode} could not be cleaned up ({aborted.Error!.Message}); what it received shows there as unknown to the inventory");
        var observed = await ObserveAsync(source, instance.InstanceId, ct);
        if (run.WasRunning && observed?.State == InstanceState.Stopped)
        {
            var started = await agents.StartAsync(source, Step(5), instance.InstanceId, ct);
            if (started.IsSuccess) observed = started.Value;
            else notes.Add($"starting it again on {run.SourceNode} failed: {started.Error!.Message}");
        }
        var where = observed is null ? $"{run.SourceNode} could not be asked where it stands" : $"it is {Lower(observed.State)} on {run.SourceNode}";
        var error = $"Migration rolled back: {reason.TrimEnd('.')}. {Capacity.Placement.Capitalise(where)}{(notes.Count > 0 ? "; " + string.Join("; ", notes) : "")}.";
        await store.FinishAsync(operation, run with { Phase = MigrationPhase.RolledBack, TotalMs = null }, error, observed, ct);
    }

    private async Task<InstanceOnNode?> ObserveAsync(AgentNode node, Guid instanceId, CancellationToken ct) =>
        await agents.FindInstanceAsync(node, instanceId, ct) is { IsSuccess: true } found ? found.Value : null;

    private long TotalMs(Operation operation, Stopwatch thisRun) =>
        operation.StartedAt is { } started ? (long)(clock.GetUtcNow() - started).TotalMilliseconds : (long)thisRun.Elapsed.TotalMilliseconds;

    private static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();
}
