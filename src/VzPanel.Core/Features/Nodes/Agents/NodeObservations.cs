using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;

namespace VzPanel.Core.Features.Nodes.Agents;

/// <summary>Live figures read from a node's agent for the node page (bUnit tests fake it). Staff only.</summary>
public interface INodeObservations
{
    /// <summary>KSM and storage pools as the node reports them now, or why the node could not be asked.</summary>
    Task<Result<NodeObservation>> ReadAsync(Guid nodeId, CancellationToken ct);
}

public sealed record NodeObservation(KsmFigures Ksm, IReadOnlyList<StoragePoolFigures> Pools, DateTimeOffset ReadAt);

/// <summary>Kernel same-page merging: how many pages are merged and what that saves.</summary>
public sealed record KsmFigures(bool Available, bool Running, long PagesShared, long PagesSharing, long PagesUnshared, long PagesVolatile,
    long FullScans, long SavedMiB);

public sealed record StoragePoolFigures(string Name, string Type, string Target, long CapacityBytes, long AllocationBytes, long AvailableBytes);

public sealed class NodeObservations(IDbContextFactory<VzPanelDbContext> dbFactory, INodeAgentGateway agents, TimeProvider clock) : INodeObservations
{
    public async Task<Result<NodeObservation>> ReadAsync(Guid nodeId, CancellationToken ct)
    {
        Node? node;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // Nodes are fleet facts: customers never see them, not even that one exists.
            node = db.Scope.SeesAllTenants ? await db.Nodes.AsNoTracking().SingleOrDefaultAsync(n => n.Id == nodeId, ct) : null;
        }
        if (node is null) return Error.NotFound("Node");
        if (node.State == NodeState.Pending || string.IsNullOrEmpty(node.ManagementAddress)) return AgentErrors.NotEnrolled(node.Name);

        var agent = AgentNode.Of(node);
        var ksm = agents.GetKsmAsync(agent, ct);
        var pools = agents.ListStoragePoolsAsync(agent, ct);
        if (await ksm is { IsSuccess: false } k) return k.Error!;
        if (await pools is { IsSuccess: false } p) return p.Error!;
        return new NodeObservation(ksm.Result.Value!, [.. pools.Result.Value!.OrderBy(x => x.Name, StringComparer.Ordinal)], clock.GetUtcNow());
    }
}
