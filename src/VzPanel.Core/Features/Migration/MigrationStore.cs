using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.Core.Features.Storage;

namespace VzPanel.Core.Features.Migration;

/// <summary>
/// The migration job's writes. The switch-over is one transaction: the inventory names the target node and the
/// run moves to clean-up together, so at every moment the inventory says which node runs the server.
/// </summary>
public sealed class MigrationStore(IDbContextFactory<VzPanelDbContext> dbFactory, OperationStore operations, AuditLog audit, PanelEvents events,
    TimeProvider clock)
{
    /// <summary>A node's agent as the panel reaches it now (its address moves with the agent's heartbeats).</summary>
    public async Task<AgentNode> NodeAsync(Guid nodeId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Nodes.AsNoTracking().Where(n => n.Id == nodeId).Select(n => new AgentNode(n.Id, n.Name, n.ManagementAddress)).SingleAsync(ct);
    }

    public async Task<MigrationRun> SaveAsync(Operation operation, MigrationRun run, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Operations.SingleAsync(o => o.Id == operation.Id, ct);
        row.Migration = run;
        await db.SaveChangesAsync(ct);
        operation.Migration = run;
        operations.Publish(row);
        return run;
    }

    /// <param name="storage">The server's volumes on the target, which replace the source's; null when the target did not list them.</param>
    public async Task<MigrationRun> SwitchOverAsync(Operation operation, MigrationRun run, InstanceOnNode onTarget, NodeStorage? storage, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var instance = await db.Instances.SingleAsync(i => i.Id == operation.TargetId, ct);
        instance.MoveTo(run.TargetNodeId, onTarget, now);
        if (storage is not null) await VolumeRecorder.WriteAsync(db, run.TargetNodeId, instance.Id, storage, now, ct);
        var row = await db.Operations.SingleAsync(o => o.Id == operation.Id, ct);
        row.Migration = run with { Phase = MigrationPhase.CleaningUp };
        audit.Add(db, new AuditEntry("instance.migrated", $"{instance.Name} now runs on {run.TargetNode} (moved from {run.SourceNode}, {Lower(run.Mode)}).")
            { Actor = operation.RequestedBy, TenantId = instance.TenantId, TargetType = "instance", TargetId = instance.Id.ToString() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        operation.Migration = row.Migration;
        events.Publish(InstanceChanged.From(instance));
        operations.Publish(row);
        return row.Migration;
    }

    /// <summary>Ends the operation; the instance takes the state its node reports (or Unknown when nobody could tell).</summary>
    public async Task FinishAsync(Operation operation, MigrationRun run, string? error, InstanceOnNode? observed, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var instance = await db.Instances.SingleAsync(i => i.Id == operation.TargetId, ct);
        if (observed is not null) instance.Apply(observed, now);
        else if (error is not null) instance.Settle(InstanceState.Unknown, now);
        var row = await operations.EndAsync(db, operation, error, ct, note: run.Note);
        row.Migration = run;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        events.Publish(InstanceChanged.From(instance));
        operations.Publish(row);
    }

    private static string Lower(MigrationMode mode) => mode.ToString().ToLowerInvariant();
}
