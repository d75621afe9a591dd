using Microsoft.EntityFrameworkCore;
using Npgsql;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Migration;

/// <summary>Emptying a node for maintenance, and opening it to new servers again; admins only.</summary>
public interface INodeDrain
{
    /// <summary>Locks the node against new placements and queues one bulk operation that migrates its servers away.</summary>
    Task<Result<OperationView>> DrainAsync(Guid nodeId, CancellationToken ct);

    /// <summary>Ends maintenance: the node takes new servers again once it reports.</summary>
    Task<Result<NodeState>> EndMaintenanceAsync(Guid nodeId, CancellationToken ct);
}

public sealed class NodeDrain(
    IDbContextFactory<VzPanelDbContext> dbFactory, CurrentAccess access, AuditLog audit, IOperationDispatcher dispatcher, PanelEvents events, TimeProvider clock)
    : INodeDrain
{
    public Task<Result<OperationView>> DrainAsync(Guid nodeId, CancellationToken ct) => ReappliedAsync(() => TryDrainAsync(nodeId, ct));

    public Task<Result<NodeState>> EndMaintenanceAsync(Guid nodeId, CancellationToken ct) => ReappliedAsync(() => TryEndMaintenanceAsync(nodeId, ct));

    /// <summary>
    /// Runs <paramref name="change"/> again when the node row changed between its read and its save: every heartbeat (each
    /// 5 s) writes that row, so an admin's click can meet one.
    /// </summary>
    private static async Task<T> ReappliedAsync<T>(Func<Task<T>> change)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await change();
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // read the node again and reapply
            }
        }
    }

    private async Task<Result<OperationView>> TryDrainAsync(Guid nodeId, CancellationToken ct)
    {
        if (AdminOnly() is { } denied) return denied;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var node = await db.Nodes.SingleOrDefaultAsync(n => n.Id == nodeId, ct);
        if (node is null) return Error.NotFound("Node");
        if (node.State is NodeState.Offline or NodeState.Pending)
            return Error.Conflict($"Node {node.Name} is {node.State.ToString().ToLowerInvariant()}: its servers can only move while it answers.");
        var count = await db.Instances.IgnoreQueryFilters().CountAsync(i => i.NodeId == nodeId, ct);
        var operation = new Operation
        {
            Kind = OperationKind.DrainNode, TargetType = "node", TargetId = node.Id, TargetName = node.Name, NodeId = node.Id, Parameters = new DrainNodeParameters(),
            Summary = $"Drain {node.Name}: move its {count} server{(count == 1 ? "" : "s")} to other nodes",
            RequestedBy = access.Scope.ActorName, CreatedAt = clock.GetUtcNow(),
        };
        node.EnterMaintenance();
        db.Operations.Add(operation);
        audit.Add(db, new AuditEntry("node.drain", $"Requested: {operation.Summary}; {node.Name} takes no new servers meanwhile.")
            { TargetType = "node", TargetId = node.Id.ToString() });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Error.Busy($"busy: node {node.Name} is already being drained.");
        }
        // Queued is told before the job exists: once it does, a worker may already be publishing Running.
        events.Publish(new NodeChanged(node.Id, node.State));
        events.Publish(OperationChanged.From(operation));
        dispatcher.Dispatch(operation.Id);
        return OperationView.From(operation);
    }

    private async Task<Result<NodeState>> TryEndMaintenanceAsync(Guid nodeId, CancellationToken ct)
    {
        if (AdminOnly() is { } denied) return denied;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var node = await db.Nodes.SingleOrDefaultAsync(n => n.Id == nodeId, ct);
        if (node is null) return Error.NotFound("Node");
        if (node.State != NodeState.Maintenance) return Error.Conflict($"Node {node.Name} is not in maintenance.");
        if (await db.Operations.AnyAsync(o => o.TargetId == nodeId && (o.State == OperationState.Queued || o.State == OperationState.Running), ct))
            return Error.Busy($"busy: node {node.Name} is being drained; wait until it ends.");
        node.EndMaintenance();
        audit.Add(db, new AuditEntry("node.maintenance-ended", $"{node.Name} takes new servers again once it reports.")
            { TargetType = "node", TargetId = node.Id.ToString() });
        await db.SaveChangesAsync(ct);
        events.Publish(new NodeChanged(node.Id, node.State));
        return node.State;
    }

    private Error? AdminOnly() =>
        access.Scope.IsSystem || access.Scope.Role == PanelRole.Admin ? null : Error.Forbidden("Only administrators drain nodes.");
}
