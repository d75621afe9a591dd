using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Billing;

/// <summary>
/// Keeps usage in step with what exists, in one place: every save that adds, changes or removes a server passes here
/// (<see cref="VzPanelDbContext"/> calls it), so no code path can change a server and forget its meter. A server's
/// billable shape follows its confirmed state: running bills memory, guarantee, vCPUs and disk; stopped or failed bills
/// disk; a transitional state (starting, stopping, migrating, deleting, unknown) keeps what was billed until the node
/// confirms the next state. A server still being provisioned bills nothing.
/// </summary>
public static class UsageMeter
{
    internal static async Task TrackAsync(VzPanelDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var changed = db.ChangeTracker.Entries<Instance>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList();
        if (changed.Count == 0) return;

        var ids = changed.Select(e => e.Entity.Id).ToList();
        var open = await db.UsageSegments.IgnoreQueryFilters().Where(u => ids.Contains(u.InstanceId) && u.To == null)
            .ToDictionaryAsync(u => u.InstanceId, ct);
        var tenantIds = changed.Select(e => e.Entity.TenantId).Distinct().ToList();
        var plans = await db.Tenants.IgnoreQueryFilters().Where(t => tenantIds.Contains(t.Id))
            .Select(t => new { t.Id, t.Plan }).ToDictionaryAsync(t => t.Id, t => t.Plan!, ct);

        foreach (var entry in changed)
        {
            var instance = entry.Entity;
            var current = open.GetValueOrDefault(instance.Id);
            var shape = entry.State == EntityState.Deleted ? null : ShapeOf(instance, current);
            var plan = plans.GetValueOrDefault(instance.TenantId);
            if (current is not null && shape == current.Shape && plan is not null && current.PlanId == plan.Id && current.Prices == plan.Prices
                && current.TenantId == instance.TenantId)
                continue;
            if (current is not null) End(db, current, now);
            if (shape is { } next && plan is not null)
                db.UsageSegments.Add(Open(instance.Id, instance.TenantId, plan, next, now));
        }
    }

    /// <summary>
    /// The tenants' plans or their prices changed at <paramref name="at"/>: their servers' open segments end there and
    /// go on at the new prices. Call inside the transaction that makes the change.
    /// </summary>
    public static async Task RepriceAsync(VzPanelDbContext db, IReadOnlyCollection<Guid> tenantIds, DateTimeOffset at, CancellationToken ct)
    {
        var ids = tenantIds.ToArray();
        // Segments opened at this very instant take the new prices in place; older ones end and go on.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE usage_segments s SET plan_id = p.id, price_memory_gib_hour = p.price_per_gib_hour, price_vcpu_hour = p.price_per_vcpu_hour,
                   price_disk_gib_month = p.price_per_disk_gib_month, guarantee_premium_share = p.guarantee_premium_share, currency = p.currency
            FROM tenants t JOIN plans p ON p.id = t.plan_id
            WHERE t.id = s.tenant_id AND s.period_end IS NULL AND s.period_start >= {at} AND s.tenant_id = ANY({ids})
            """, ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH closed AS (
                UPDATE usage_segments SET period_end = {at}
                WHERE period_end IS NULL AND period_start < {at} AND tenant_id = ANY({ids})
                RETURNING instance_id, tenant_id, memory_mib, guaranteed_mib, vcpus, disk_gib)
            INSERT INTO usage_segments (instance_id, tenant_id, plan_id, memory_mib, guaranteed_mib, vcpus, disk_gib,
                price_memory_gib_hour, price_vcpu_hour, price_disk_gib_month, guarantee_premium_share, currency, period_start)
            SELECT c.instance_id, c.tenant_id, p.id, c.memory_mib, c.guaranteed_mib, c.vcpus, c.disk_gib,
                p.price_per_gib_hour, p.price_per_vcpu_hour, p.price_per_disk_gib_month, p.guarantee_premium_share, p.currency, {at}
            FROM closed c JOIN tenants t ON t.id = c.tenant_id JOIN plans p ON p.id = t.plan_id
            """, ct);
    }

    /// <summary>What a server bills now; null when it bills nothing.</summary>
    internal static BillableShape? ShapeOf(Instance instance, UsageSegment? open) => instance.State switch
    {
        InstanceState.Running => new BillableShape(instance.MemoryMiB, instance.GuaranteedMiB, instance.VCpus, instance.DiskGiB),
        InstanceState.Stopped => BillableShape.DiskOnly(instance.DiskGiB),
        InstanceState.Provisioning => null,
        InstanceState.Failed => open is null ? null : BillableShape.DiskOnly(instance.DiskGiB),
        _ => open?.Shape,
    };

    private static void End(VzPanelDbContext db, UsageSegment segment, DateTimeOffset at)
    {
        // A segment opened at this very instant (two changes in one moment) never billed: it goes instead of ending empty.
        if (segment.From >= at) db.UsageSegments.Remove(segment);
        else segment.To = at;
    }

    private static UsageSegment Open(Guid instanceId, Guid tenantId, Plan plan, BillableShape shape, DateTimeOffset at) => new()
    {
        InstanceId = instanceId, TenantId = tenantId, PlanId = plan.Id, From = at,
        MemoryMiB = shape.MemoryMiB, GuaranteedMiB = shape.GuaranteedMiB, VCpus = shape.VCpus, DiskGiB = shape.DiskGiB,
        PriceMemoryGiBHour = plan.PricePerGiBHour, PriceVCpuHour = plan.PricePerVCpuHour, PriceDiskGiBMonth = plan.PricePerDiskGiBMonth,
        GuaranteePremiumShare = plan.GuaranteePremiumShare, Currency = plan.Currency,
    };
}
