using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;

namespace VzPanel.Core.Features.Capacity;

/// <summary>What a node has promised: the guarantees and memory of the instances that run (or are about to).</summary>
public sealed record NodeLoad(Node Node, long GuaranteedMiB, long CommittedMiB)
{
    /// <summary>States whose memory the node must be ready to hold.</summary>
    public static readonly InstanceState[] Holding =
        [InstanceState.Provisioning, InstanceState.Starting, InstanceState.Running, InstanceState.Stopping, InstanceState.Migrating];

    /// <summary>Guaranteeable memory left after the promises made so far.</summary>
    public long GuaranteeHeadroomMiB => Node.GuaranteeableMiB - GuaranteedMiB;

    public static async Task<List<NodeLoad>> ForNodesAsync(VzPanelDbContext db, IReadOnlyCollection<Guid>? nodeIds, CancellationToken ct)
    {
        var nodes = await db.Nodes.AsNoTracking().Where(n => nodeIds == null || nodeIds.Contains(n.Id)).ToListAsync(ct);
        // Tenant filters must not hide other tenants' load: capacity is a node fact, read with every row.
        var sums = await db.Instances.IgnoreQueryFilters().AsNoTracking()
            .Where(i => Holding.Contains(i.State) && (nodeIds == null || nodeIds.Contains(i.NodeId)))
            .GroupBy(i => i.NodeId)
            .Select(g => new
            {
                NodeId = g.Key,
                Guaranteed = g.Sum(i => (i.MemoryMiB * i.MemoryGuaranteePercent + 99) / 100),   // MemoryGuarantee.MiB, spelled out for SQL
                Committed = g.Sum(i => i.MemoryMiB),
            })
            .ToDictionaryAsync(s => s.NodeId, ct);
        return nodes.Select(n => sums.TryGetValue(n.Id, out var s)
            ? new NodeLoad(n, s.Guaranteed, s.Committed)
            : new NodeLoad(n, 0, 0)).ToList();
    }
}
