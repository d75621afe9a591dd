using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Nodes.Agents;

namespace VzPanel.Core.Features.Storage;

/// <summary>What a node reported of one instance's storage: its volumes and the node's pools.</summary>
public sealed record NodeStorage(IReadOnlyList<StoragePoolFigures> Pools, IReadOnlyList<VolumeFigures> Volumes);

/// <summary>One volume as its node reports it.</summary>
public sealed record VolumeFigures(string Name, string Pool, string Format, long CapacityBytes, long AllocationBytes);

/// <summary>
/// Keeps the inventory's pools and volumes as nodes report them (the panel never makes one up): read from the node once a
/// create, a disk resize or a migration's switch-over succeeded, written in the transaction that ends the operation.
/// </summary>
public sealed class VolumeRecorder(INodeAgentGateway agents, ILogger<VolumeRecorder> logger)
{
    /// <returns>Null when the node did not answer: the operation still succeeded, and its next one records the volumes.</returns>
    public async Task<NodeStorage?> ReadAsync(AgentNode node, Guid instanceId, CancellationToken ct)
    {
        var read = await agents.ReadStorageAsync(node, instanceId, ct);
        if (read.IsSuccess) return read.Value;
        logger.LogWarning("Node {Node} did not list the volumes of {Instance} ({Reason}); the inventory keeps the rows it had",
            node.Name, instanceId, read.Error!.Message);
        return null;
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
