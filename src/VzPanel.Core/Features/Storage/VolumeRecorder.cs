using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VzPanel.Agent.Contracts;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Nodes.Agents;
using ProtoPool = VzPanel.Agent.Contracts.StoragePool;
using ProtoVolume = VzPanel.Agent.Contracts.Volume;

namespace VzPanel.Core.Features.Storage;

/// <summary>What a node reported of one instance's storage: its volumes and the node's pools.</summary>
public sealed record NodeStorage(IReadOnlyList<ProtoPool> Pools, IReadOnlyList<ProtoVolume> Volumes);

/// <summary>
/// Keeps the inventory's pools and volumes as nodes report them (the panel never makes one up): read from the node once a
/// create, a disk resize or a migration's switch-over succeeded, written in the transaction that ends the operation.
/// </summary>
public sealed class VolumeRecorder(AgentClients agents, TimeProvider clock, ILogger<VolumeRecorder> logger)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    public Task<NodeStorage?> ReadAsync(Guid nodeId, string nodeAddress, string nodeName, Guid instanceId, CancellationToken ct) =>
        ReadAsync(agents.For(nodeId, nodeAddress), nodeName, instanceId, ct);

    /// <returns>Null when the node did not answer: the operation still succeeded, and its next one records the volumes.</returns>
    public async Task<NodeStorage?> ReadAsync(NodeAgent.NodeAgentClient client, string nodeName, Guid instanceId, CancellationToken ct)
    {
        var options = new CallOptions(deadline: clock.GetUtcNow().Add(ReadTimeout).UtcDateTime, cancellationToken: ct);
        try
        {
            var pools = await client.ListStoragePoolsAsync(new ListStoragePoolsRequest(), options);
            var volumes = await client.ListVolumesAsync(new ListVolumesRequest(), options);
            var id = instanceId.ToString();
            // The table holds sizes of real images only; a folder the node could not measure has none.
            return new NodeStorage([.. pools.Pools], [.. volumes.Volumes.Where(v => v.InstanceId == id && v.CapacityBytes > 0)]);
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Node {Node} did not list the volumes of {Instance} ({Reason}); the inventory keeps the rows it had",
                nodeName, instanceId, ex.Status.Detail);
            return null;
        }
    }

    /// <summary>
    /// Within the caller's transaction: the node's pools upserted by name, the instance's volume rows made to match what the
    /// node reported. Pools are shared by every job on the node, so they are written with one upsert each rather than read
    /// and saved back, which two jobs finishing at once would trip over.
    /// </summary>
    public static async Task WriteAsync(VzPanelDbContext db, Guid nodeId, Guid instanceId, NodeStorage storage, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var pool in storage.Pools)
        {
            var type = Enum.TryParse<StoragePoolType>(pool.Type, ignoreCase: true, out var known) ? known : StoragePoolType.Dir;
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO storage_pools (id, node_id, name, type, target, capacity_bytes, allocation_bytes)
                VALUES ({Guid.CreateVersion7()}, {nodeId}, {pool.Name}, {type.ToString()}, {pool.Target}, {Math.Max(0, pool.CapacityBytes)}, {Math.Max(0, pool.AllocationBytes)})
                ON CONFLICT (node_id, name) DO UPDATE SET type = excluded.type, target = excluded.target,
                    capacity_bytes = excluded.capacity_bytes, allocation_bytes = excluded.allocation_bytes
                """, ct);
        }
        var poolIds = await db.StoragePools.Where(p => p.NodeId == nodeId).ToDictionaryAsync(p => p.Name, p => p.Id, ct);
        var rows = await db.Volumes.IgnoreQueryFilters().Where(v => v.InstanceId == instanceId).ToListAsync(ct);
        var kept = new HashSet<Volume>();
        foreach (var reported in storage.Volumes)
        {
            if (!poolIds.TryGetValue(reported.Pool, out var poolId)) continue;   // a pool the node did not list: nothing to hang it on
            var row = rows.FirstOrDefault(r => r.PoolId == poolId && r.Name == reported.Name);
            if (row is null)
            {
                // A row of that name left from before (a kept disk whose server was removed) describes this disk now.
                await db.Volumes.IgnoreQueryFilters().Where(v => v.PoolId == poolId && v.Name == reported.Name).ExecuteDeleteAsync(ct);
                row = new Volume { PoolId = poolId, InstanceId = instanceId, Name = reported.Name, CreatedAt = now };
                db.Volumes.Add(row);
            }
            row.SizeBytes = reported.CapacityBytes;
            row.AllocationBytes = Math.Max(0, reported.AllocationBytes);
            row.Format = Enum.TryParse<VolumeFormat>(reported.Format, ignoreCase: true, out var format) ? format : VolumeFormat.Raw;
            kept.Add(row);
        }
        db.Volumes.RemoveRange(rows.Where(r => !kept.Contains(r)));
    }
}
