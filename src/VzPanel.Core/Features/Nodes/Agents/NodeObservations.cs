using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using VzPanel.Agent.Contracts;
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

public sealed class NodeObservations(IDbContextFactory<VzPanelDbContext> dbFactory, AgentClients agents, TimeProvider clock) : INodeObservations
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

        var client = agents.For(node.Id, node.ManagementAddress);
        var options = new CallOptions(deadline: clock.GetUtcNow().Add(AgentErrors.ReadTimeout).UtcDateTime, cancellationToken: ct);
        try
        {
            var ksm = client.GetKsmStatsAsync(new GetKsmStatsRequest(), options).ResponseAsync;
            var pools = client.ListStoragePoolsAsync(new ListStoragePoolsRequest(), options).ResponseAsync;
            await Task.WhenAll(ksm, pools);
            var k = ksm.Result;
            return new NodeObservation(
                new KsmFigures(k.Available, k.Run == 1, k.PagesShared, k.PagesSharing, k.PagesUnshared, k.PagesVolatile, k.FullScans, k.SavedMib),
                [.. pools.Result.Pools.OrderBy(p => p.Name, StringComparer.Ordinal)
                    .Select(p => new StoragePoolFigures(p.Name, p.Type, p.Target, p.CapacityBytes, p.AllocationBytes, p.AvailableBytes))],
                clock.GetUtcNow());
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            return AgentErrors.Unavailable(node.Name, ex);
        }
    }
}
