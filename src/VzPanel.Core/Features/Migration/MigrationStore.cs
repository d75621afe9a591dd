using Microsoft.EntityFrameworkCore;
using VzPanel.Agent.Contracts;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.Core.Features.Storage;

namespace VzPanel.Core.Features.Migration;

/// <summary>
/// The migration job's writes. The switch-over is one transaction: the inventory names the target node and the
/// run moves to clean-up together, so at every moment the inventory says which node runs the server.
/// </summary>
public sealed class MigrationStore(IDbContextFactory<VzPanelDbContext> dbFactory, AuditLog audit, PanelEvents events, TimeProvider clock)
{
    /// <summary>Where the panel reaches a node's agent now (it moves with the agent's heartbeats).</summary>
    public async Task<string> AddressOfAsync(Guid nodeId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Nodes.AsNoTracking().Where(n => n.Id == nodeId).Select(n => n.ManagementAddress).SingleAsync(ct);
    }

    public async Task<MigrationRun> SaveAsync(Operation operation, MigrationRun run, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Operations.SingleAsync(o => o.Id == operation.Id, ct);
        row.Migration = run;
        await db.SaveChangesAsync(ct);
        operation.Migration = run;
        events.Publish(OperationChanged.From(row));
        return run;
    }

    /// <param name="storage">The server's volumes on the target, which replace the source's; null when the target did not list them.</param>
    public async Task<MigrationRun> SwitchOverAsync(Operation operation, MigrationRun run, InstanceStatus onTarget, NodeStorage? storage, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var instance = await db.Instances.SingleAsync(i => i.Id == operation.TargetId, ct);
        instance.NodeId = run.TargetNodeId;
        OperationStore.Apply(instance, onTarget, now);
        await UsageMeter.RecordAsync(db, instance, now, ct);
        if (storage is not null) await VolumeRecorder.WriteAsync(db, run.TargetNodeId, instance.Id, storage, now, ct);
        var row = await db.Operations.SingleAsync(o => o.Id == operation.Id, ct);
        row.Migration = run with { Phase = MigrationPhase.CleaningUp };
        audit.Add(db, new AuditEntry("instance.migrated", $"{instance.Name} now runs on {run.TargetNode} (moved from {run.SourceNode}, {Lower(run.Mode)}).")
            { Actor = operation.RequestedBy, TenantId = instance.TenantId, TargetType = "instance", TargetId = instance.Id.ToString() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        operation.Migration = row.Migration;
        events.Publish(InstanceChanged.From(instance));
        events.Publish(OperationChanged.From(row));
        return row.Migration;
    }

    /// <summary>Ends the operation; the instance takes the state its node reports (or Unknown when nobody could tell).</summary>
    public async Task FinishAsync(Operation operation, MigrationRun run, string? error, InstanceStatus? observed, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var instance = await db.Instances.SingleAsync(i => i.Id == operation.TargetId, ct);
        if (observed is not null) OperationStore.Apply(instance, observed, now);
        else if (error is not null)
        {
            instance.State = Instances.InstanceState.Unknown;
            instance.UpdatedAt = now;
        }
        await UsageMeter.RecordAsync(db, instance, now, ct);
        var reason = error is null ? null : Placement.Capitalise(error);
        var row = await OperationStore.Finish(db, operation, error is null ? OperationState.Succeeded : OperationState.Failed, reason, now, ct);
        row.Migration = run;
        audit.Add(db, error is null
            ? new AuditEntry("operation.succeeded", $"{operation.Summary}: done.{(run.Note is null ? "" : " " + run.Note)}")
                { Actor = operation.RequestedBy, TenantId = operation.TenantId, TargetType = "instance", TargetId = operation.TargetId?.ToString() }
            : new AuditEntry("operation.failed", $"{operation.Summary}: failed. {reason}")
                { Actor = operation.RequestedBy, TenantId = operation.TenantId, TargetType = "instance", TargetId = operation.TargetId?.ToString() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        events.Publish(InstanceChanged.From(instance));
        events.Publish(OperationChanged.From(row));
    }

    private static string Lower(MigrationMode mode) => mode.ToString().ToLowerInvariant();
}
