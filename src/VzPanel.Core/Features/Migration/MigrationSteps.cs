using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VzPanel.Agent.Contracts;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.Core.Features.Storage;
using VzPanel.Core.Options;
using ProtoMode = VzPanel.Agent.Contracts.MigrationMode;
using ProtoState = VzPanel.Agent.Contracts.InstanceState;

namespace VzPanel.Core.Features.Migration;

/// <summary>
/// The migration state machine: prepare the target → transfer from the source → complete on the target and switch
/// the inventory over → delete the source's stopped copy. Every phase is saved before it acts and every agent call
/// carries an id derived from the operation, so a re-run after a panel or agent crash repeats nothing. Until the
/// target confirms it runs the server, a failure rolls back: the target forgets it and the source runs it as before.
/// </summary>
public sealed class MigrationSteps(AgentClients agents, MigrationStore store, VolumeRecorder volumes, IOptions<JobOptions> options, TimeProvider clock,
    ILogger<MigrationSteps> logger)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    public async Task RunAsync(Operation operation, StepTarget instance, InstanceSteps.Report report, bool lastAttempt, CancellationToken ct)
    {
        var run = operation.Migration ?? throw new InvalidOperationException($"operation {operation.Id} has no migration");
        var clock0 = Stopwatch.StartNew();
        // Both from the nodes table: after the switch-over the server's own node is the target, not the source.
        var source = agents.For(run.SourceNodeId, await store.AddressOfAsync(run.SourceNodeId, ct));
        var target = agents.For(run.TargetNodeId, await store.AddressOfAsync(run.TargetNodeId, ct));
        var id = instance.InstanceId.ToString();
        string Step(int n) => StepIds.For(operation.Id, n);

        if (run.Phase is MigrationPhase.Preparing or MigrationPhase.Transferring)
        {
            try
            {
                await report(5, $"Preparing {run.TargetNode} to take {instance.Name}");
                var prepared = await Call(run.TargetNode, o => target.PrepareMigrationTargetAsync(new PrepareMigrationTargetRequest
                    { OperationId = Step(0), Spec = instance.ToSpec(), Mode = ToProto(run.Mode) }, o), report, 5, ct);
                run = await store.SaveAsync(operation, run with { Phase = MigrationPhase.Transferring }, ct);
                await report(10, $"Moving {instance.Name} from {run.SourceNode} to {run.TargetNode} ({Lower(run.Mode)})");
                var moved = await TransferAsync(operation, run, source, prepared, id, Step(1), report, ct);
                run = await store.SaveAsync(operation, run with
                {
                    Phase = MigrationPhase.Completing, TransferredBytes = moved.TransferredBytes, TotalBytes = Math.Max(run.TotalBytes, moved.TransferredBytes),
                    DowntimeMs = moved.DowntimeMs, TransferMs = moved.DurationMs,
                }, ct);
            }
            catch (AgentException failure)
            {
                await RollBackAsync(operation, run, instance, source, target, failure.Message, report, ct);
                return;
            }
        }

        if (run.Phase == MigrationPhase.Completing)
        {
            InstanceStatus onTarget;
            try
            {
                await report(85, run.WasRunning ? $"Starting {instance.Name} on {run.TargetNode}" : $"Registering {instance.Name} on {run.TargetNode}");
                var started = Stopwatch.StartNew();
                onTarget = (await Call(run.TargetNode, o => target.CompleteMigrationTargetAsync(new CompleteMigrationTargetRequest
                    { OperationId = Step(2), InstanceId = id, Start = run.WasRunning }, o), report, 85, ct)).Instance;
                // A cold move runs nowhere from the stop on the source until this start on the target.
                if (run.Mode == MigrationMode.Cold) run = run with { DowntimeMs = (run.DowntimeMs ?? 0) + (long)started.Elapsed.TotalMilliseconds };
            }
            catch (AgentException failure) when (failure.Refused || lastAttempt)
            {
                // The target would not or could not confirm it runs the server: the source's copy is still whole.
                await RollBackAsync(operation, run, instance, source, target, failure.Message, report, ct);
                return;
            }
            var storage = await volumes.ReadAsync(target, run.TargetNode, instance.InstanceId, ct);
            run = await store.SwitchOverAsync(operation, run, onTarget, storage, ct);
        }

        if (run.Phase == MigrationPhase.CleaningUp)
        {
            await report(95, $"Removing the stopped copy from {run.SourceNode}");
            string? note = null;
            try
            {
                await Call(run.SourceNode, o => source.DeleteInstanceAsync(new DeleteInstanceRequest { OperationId = Step(3), InstanceId = id }, o), report, 95, ct);
            }
            catch (AgentException failure) when (failure.Status != StatusCode.NotFound)
            {
                note = $"The stopped copy on {run.SourceNode} could not be removed ({failure.Message}); it stays there, stopped, until an administrator deletes it.";
                logger.LogWarning("Migration {OperationId}: {Note}", operation.Id, note);
            }
            catch (AgentException)
            {
                // Already gone.
            }
            var observed = await ObserveAsync(target, instance.InstanceId, ct);
            await store.FinishAsync(operation, run with { Phase = MigrationPhase.Done, Note = note, TotalMs = TotalMs(operation, clock0) }, null, observed, ct);
        }
    }

    /// <summary>Runs the source's transfer, reading its progress every second for the operation's bar.</summary>
    private async Task<MigrationReply> TransferAsync(Operation operation, MigrationRun run, NodeAgent.NodeAgentClient source, MigrationTarget prepared,
        string id, string stepId, InstanceSteps.Report report, CancellationToken ct)
    {
        var request = new MigrateInstanceRequest
        {
            OperationId = stepId, InstanceId = id, Target = prepared, Mode = ToProto(run.Mode),
            MaxDowntimeMs = run.MaxDowntimeMs, BandwidthMibPerSecond = run.BandwidthMibPerSecond,
        };
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watch = WatchAsync(operation, run, source, id, report, done.Token);
        try
        {
            return await Call(run.SourceNode, o => source.MigrateInstanceAsync(request, o), report, 10, ct);
        }
        finally
        {
            await done.CancelAsync();
            await watch;
        }
    }

    private async Task WatchAsync(Operation operation, MigrationRun run, NodeAgent.NodeAgentClient source, string id, InstanceSteps.Report report, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ProgressEvery, clock, ct);
                var p = await source.GetMigrationProgressAsync(new InstanceRef { InstanceId = id }, deadline: clock.GetUtcNow().AddSeconds(5).UtcDateTime, cancellationToken: ct);
                if (!p.Active || p.TotalBytes <= 0) continue;
                // Done is what no longer needs sending: QEMU skips zero pages, so bytes sent understate it.
                var done = Math.Clamp(p.TotalBytes - p.RemainingBytes, 0, p.TotalBytes);
                var percent = 10 + (int)(70 * done / p.TotalBytes);
                var dirty = p.DirtyBytesPerSecond > 0 ? $", the guest dirties {p.DirtyBytesPerSecond >> 20} MiB/s" : "";
                await report(percent, $"Copying {p.Phase}: {done >> 20} of {p.TotalBytes >> 20} MiB, {p.RemainingBytes >> 20} MiB left{dirty}");
                await store.SaveAsync(operation, operation.Migration! with
                    { TotalBytes = p.TotalBytes, TransferredBytes = p.TransferredBytes, DirtyBytesPerSecond = p.DirtyBytesPerSecond }, ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException || (ex is RpcException && !ct.IsCancellationRequested))
        {
            // The transfer ended (or progress could not be read this time): the bar simply stops moving.
        }
    }

    /// <summary>The target forgets the server; the source runs it again if it ran before. Ends the operation as failed.</summary>
    private async Task RollBackAsync(Operation operation, MigrationRun run, StepTarget instance, NodeAgent.NodeAgentClient source,
        NodeAgent.NodeAgentClient target, string reason, InstanceSteps.Report report, CancellationToken ct)
    {
        await report(90, $"Rolling back: {instance.Name} stays on {run.SourceNode}");
        var notes = new List<string>();
        try
        {
            await Call(run.TargetNode, o => target.AbortMigrationTargetAsync(new InstanceOperation { OperationId = StepIds.For(operation.Id, 4), InstanceId = instance.InstanceId.ToString() }, o),
                report, 90, ct);
        }
        catch (AgentException failure)
        {
            notes.Add($"{run.TargetNode} could not be cleaned up ({failure.Message}); what it received shows there as unknown to the inventory");
        }
        var observed = await ObserveAsync(source, instance.InstanceId, ct);
        if (run.WasRunning && observed?.State == ProtoState.Stopped)
        {
            try
            {
                var started = await Call(run.SourceNode, o => source.StartInstanceAsync(new InstanceOperation
                    { OperationId = StepIds.For(operation.Id, 5), InstanceId = instance.InstanceId.ToString() }, o), report, 90, ct);
                observed = started.Instance;
            }
            catch (AgentException failure)
            {
                notes.Add($"starting it again on {run.SourceNode} failed: {failure.Message}");
            }
        }
        var where = observed is null ? $"{run.SourceNode} could not be asked where it stands" : $"it is {Lower(observed.State)} on {run.SourceNode}";
        var error = $"Migration rolled back: {reason.TrimEnd('.')}. {Placement(where)}{(notes.Count > 0 ? "; " + string.Join("; ", notes) : "")}.";
        await store.FinishAsync(operation, run with { Phase = MigrationPhase.RolledBack, TotalMs = null }, error, observed, ct);
    }

    private async Task<InstanceStatus?> ObserveAsync(NodeAgent.NodeAgentClient client, Guid instanceId, CancellationToken ct)
    {
        try
        {
            return await client.FindInstanceAsync(instanceId, new CallOptions(deadline: clock.GetUtcNow().AddSeconds(10).UtcDateTime, cancellationToken: ct));
        }
        catch (RpcException)
        {
            return null;
        }
    }

    private Task<T> Call<T>(string node, Func<CallOptions, AsyncUnaryCall<T>> call, InstanceSteps.Report report, int percent, CancellationToken ct)
    {
        var o = options.Value;
        var agentCall = new AgentCall(node, TimeSpan.FromSeconds(o.AgentCallTimeoutSeconds), clock.GetUtcNow().AddSeconds(o.AgentRetryWindowSeconds), clock);
        return agentCall.RunAsync(async opts => await call(opts), step => report(percent, step), ct);
    }

    private long TotalMs(Operation operation, Stopwatch thisRun) =>
        operation.StartedAt is { } started ? (long)(clock.GetUtcNow() - started).TotalMilliseconds : (long)thisRun.Elapsed.TotalMilliseconds;

    private static ProtoMode ToProto(MigrationMode mode) => mode switch
    {
        MigrationMode.Live => ProtoMode.Live,
        MigrationMode.Cold => ProtoMode.Cold,
        _ => ProtoMode.Offline,
    };

    private static string Placement(string text) => Capacity.Placement.Capitalise(text);

    private static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();
}
