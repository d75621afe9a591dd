using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Core.Features.Migration;

public interface IMigrationPlanner
{
    /// <summary>
    /// The dry run: what migrating the server to <paramref name="targetNodeId"/> (or, without one, to the node placement
    /// would choose) would do and whether it may. Changes nothing. Not found for servers or nodes the caller may not see.
    /// </summary>
    Task<Result<MigrationPlan>> DryRunAsync(Guid instanceId, Guid? targetNodeId, CancellationToken ct);
}

/// <summary>Reads the inventory for <see cref="MigrationRules"/>; migration is a provider's decision, so only staff see plans.</summary>
public sealed class MigrationPlanner(IDbContextFactory<VzPanelDbContext> dbFactory) : IMigrationPlanner
{
    public async Task<Result<MigrationPlan>> DryRunAsync(Guid instanceId, Guid? targetNodeId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!db.Scope.SeesAllTenants) return Error.NotFound("Instance");
        var instance = await db.Instances.AsNoTracking().Include(i => i.Template).SingleOrDefaultAsync(i => i.Id == instanceId, ct);
        if (instance is null) return Error.NotFound("Instance");

        var loads = await NodeLoad.ForNodesAsync(db, null, ct);
        var source = loads.Single(l => l.Node.Id == instance.NodeId);
        var target = targetNodeId is { } chosen ? loads.SingleOrDefault(l => l.Node.Id == chosen) : Best(instance, loads);
        if (target is null)
            return targetNodeId is null
                ? Error.Conflict($"No other node runs {source.Node.Engine} servers, so {instance.Name} has nowhere to go.")
                : Error.NotFound("Node");

        var diskBytes = await db.Volumes.AsNoTracking().Where(v => v.InstanceId == instance.Id).SumAsync(v => (long?)v.AllocationBytes, ct) ?? 0;
        var busy = await db.Operations.IgnoreQueryFilters().AsNoTracking()
            .Where(o => o.TargetId == instance.Id && (o.State == OperationState.Queued || o.State == OperationState.Running))
            .Select(o => o.Summary).FirstOrDefaultAsync(ct);
        return MigrationRules.Plan(instance, source, target, diskBytes / (1024 * 1024),
            busy is null ? null : $"busy: {busy} is still running; migrate when it ends");
    }

    /// <summary>Placement's choice among the other nodes of the source's engine; when none can take it, the first of them, so the plan says why.</summary>
    private static NodeLoad? Best(Instance instance, List<NodeLoad> loads)
    {
        var source = loads.Single(l => l.Node.Id == instance.NodeId).Node;
        var others = loads.Where(l => l.Node.Id != source.Id && l.Node.Engine == source.Engine).ToList();
        var guaranteed = Instance.GuaranteeOf(instance.MemoryMiB, instance.MemoryGuaranteePercent);
        var chosen = Placement.Choose(others, instance.Kind, instance.MemoryMiB, guaranteed, instance.VCpus,
            instance.Kind == InstanceKind.Vm ? instance.Template?.Name : null);
        return chosen.IsSuccess ? chosen.Value : others.OrderBy(l => l.Node.Name, StringComparer.Ordinal).FirstOrDefault();
    }
}
