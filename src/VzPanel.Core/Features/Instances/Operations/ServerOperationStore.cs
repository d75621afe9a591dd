using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.Core.Features.Storage;

namespace VzPanel.Core.Features.Instances.Operations;

/// <summary>
/// A server operation's reads and writes of the inventory: the server it acts on, and its end, where operation, server,
/// usage segment and volumes change in one transaction, as the node reports them.
/// </summary>
public sealed class ServerOperationStore(
    IDbContextFactory<VzPanelDbContext> dbFactory, OperationStore operations, INodeAgentGateway agents, VolumeRecorder volumes, PanelEvents events,
    TimeProvider clock)
{
    /// <summary>The server a claimed operation acts on, put in <paramref name="transitional"/>; null (and the operation failed) when it is gone.</summary>
    public async Task<ServerTarget?> TargetAsync(Operation operation, InstanceState? transitional, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var instance = await db.Instances.Include(i => i.Node).Include(i => i.Template).SingleOrDefaultAsync(i => i.Id == operation.TargetId, ct);
        if (instance is null)
        {
            // Removed behind the job's back (an administrator's cleanup): nothing left to act on.
            await operations.FinishAsync(operation, "The server no longer exists in the inventory.", ct);
            return null;
        }
        if (transitional is { } state && instance.Begin(state, clock.GetUtcNow()))
        {
            await db.SaveChangesAsync(ct);
            events.Publish(InstanceChanged.From(instance));
        }
        return ServerTarget.Of(instance);
    }

    /// <param name="reported">The server as the node reports it afterwards; null when it no longer has it.</param>
    public async Task SucceedAsync(Operation operation, ServerTarget target, InstanceOnNode? reported, bool removed, bool changedVolumes, CancellationToken ct)
    {
        // The disks the node now has, asked before the transaction opens: it must not wait on a node.
        var storage = reported is not null && changedVolumes ? await volumes.ReadAsync(target.Node, target.InstanceId, ct) : null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var instance = await db.Instances.SingleOrDefaultAsync(i => i.Id == operation.TargetId, ct);
        var now = clock.GetUtcNow();
        if (instance is not null)
        {
            if (removed) await RemoveAsync(db, instance, now, KeepsVolumes(operation), ct);
            else if (reported is not null)
            {
                instance.Apply(reported, now);
                if (storage is not null) await VolumeRecorder.WriteAsync(db, instance.NodeId, instance.Id, storage, now, ct);
            }
        }
        var row = await operations.EndAsync(db, operation, null, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (instance is not null) events.Publish(InstanceChanged.From(instance, deleted: removed));
        operations.Publish(row);
    }

    /// <summary>
    /// Ends the operation as failed and puts the server in the state the node really has: as the node reports it when it
    /// answers; as before when the node refused; Unknown when nobody can tell or the node says it does not have the server
    /// (the node page shows that drift). A server the node never built, or whose delete it carried out, goes.
    /// </summary>
    public async Task FailAsync(Operation operation, Error failure, CancellationToken ct)
    {
        AgentNode? node;
        await using (var read = await dbFactory.CreateDbContextAsync(ct))
        {
            node = await read.Instances.AsNoTracking().Where(i => i.Id == operation.TargetId)
                .Select(i => new AgentNode(i.Node!.Id, i.Node.Name, i.Node.ManagementAddress)).SingleOrDefaultAsync(ct);
        }
        var observed = node is null ? (Result<InstanceOnNode?>?)null : await agents.FindInstanceAsync(node, operation.TargetId!.Value, ct);


        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var instance = await db.Instances.SingleOrDefaultAsync(i => i.Id == operation.TargetId, ct);
        var now = clock.GetUtcNow();
        var removed = false;
        if (instance is not null)
        {
            var before = Enum.TryParse<InstanceState>(operation.Parameters.PreviousState, out var previous) ? previous : (InstanceState?)null;
            // The node answered that it does not have the server, now or when it was asked to change it.
            var notOnNode = observed is { IsSuccess: true, Value: null } || (observed is not { IsSuccess: true } && failure.IsMissing());
            if (observed is { IsSuccess: true, Value: { } onNode }) instance.Apply(onNode, now);
            else if (observed is { IsSuccess: true } && (before == InstanceState.Provisioning || operation.Kind == OperationKind.Delete))
            {
                // The node never built it, or did delete it though its reply was lost: nothing to keep.
                await RemoveAsync(db, instance, now, KeepsVolumes(operation), ct);
                removed = true;
            }
            else instance.Settle(failure.IsRefusal() && !notOnNode && before is { } unchanged ? unchanged
                : before == InstanceState.Provisioning ? InstanceState.Failed : InstanceState.Unknown, now);
        }
        var row = await operations.EndAsync(db, operation, failure.Message, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (instance is not null) events.Publish(InstanceChanged.From(instance, deleted: removed));
        operations.Publish(row);
    }

    /// <param name="keepVolumes">The disks stay on the node, so their rows stay too, as volumes of no server.</param>
    private static async Task RemoveAsync(VzPanelDbContext db, Instance instance, DateTimeOffset now, bool keepVolumes, CancellationToken ct)
    {
        var volumes = db.Volumes.Where(v => v.InstanceId == instance.Id);
        if (keepVolumes) await volumes.ExecuteUpdateAsync(s => s.SetProperty(v => v.InstanceId, (Guid?)null), ct);
        else await volumes.ExecuteDeleteAsync(ct);
        db.Instances.Remove(instance);
    }

    private static bool KeepsVolumes(Operation operation) => operation.Parameters is DeleteParameters { KeepVolumes: true };
}
