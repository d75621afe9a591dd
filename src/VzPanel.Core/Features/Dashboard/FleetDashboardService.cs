using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Dashboard;

/// <summary>The read seam the dashboard page uses; bUnit tests give it a hand-written fake.</summary>
public interface IFleetDashboardQueries
{
    Task<FleetSummary> GetSummaryAsync(CancellationToken ct);
}

public sealed class FleetDashboardService(IDbContextFactory<VzPanelDbContext> dbFactory) : IFleetDashboardQueries
{
    private static readonly InstanceState[] HoldingMemory =
        [InstanceState.Running, InstanceState.Starting, InstanceState.Stopping, InstanceState.Migrating];

    public async Task<FleetSummary> GetSummaryAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var byState = await db.Instances.AsNoTracking()
            .GroupBy(i => new { i.State, i.Kind })
            .Select(g => new { g.Key.State, g.Key.Kind, Count = g.Count() })
            .ToListAsync(ct);

        var perNode = await db.Instances.AsNoTracking()
            .Where(i => HoldingMemory.Contains(i.State))
            .GroupBy(i => i.NodeId)
            .Select(g => new
            {
                NodeId = g.Key,
                Count = g.Count(),
                Committed = g.Sum(i => i.MemoryMiB),
                Guaranteed = g.Sum(i => (i.MemoryMiB * i.MemoryGuaranteePercent + 99) / 100),   // MemoryGuarantee.MiB, spelled out for SQL
            })
            .ToDictionaryAsync(x => x.NodeId, ct);

        var nodes = db.Scope.SeesAllTenants
            ? (await db.Nodes.AsNoTracking().OrderBy(n => n.Name).ToListAsync(ct))
                .Select(n => perNode.TryGetValue(n.Id, out var u)
                    ? new NodeCapacity(n.Id, n.Name, n.Engine, n.State, n.RamMiB, n.HostReserveMiB, u.Count, u.Committed, u.Guaranteed, n.LastHeartbeatAt)
                    : new NodeCapacity(n.Id, n.Name, n.Engine, n.State, n.RamMiB, n.HostReserveMiB, 0, 0, 0, n.LastHeartbeatAt))
                .ToList()
            : [];

        return new FleetSummary
        {
            IncludesNodes = db.Scope.SeesAllTenants,
            Nodes = nodes,
            InstancesByState = byState.GroupBy(x => x.State).ToDictionary(g => g.Key, g => g.Sum(x => x.Count)),
            Containers = byState.Where(x => x.Kind == InstanceKind.Ct).Sum(x => x.Count),
            VirtualMachines = byState.Where(x => x.Kind == InstanceKind.Vm).Sum(x => x.Count),
            CommittedMiB = perNode.Values.Sum(u => u.Committed),
            GuaranteedMiB = perNode.Values.Sum(u => u.Guaranteed),
        };
    }
}
