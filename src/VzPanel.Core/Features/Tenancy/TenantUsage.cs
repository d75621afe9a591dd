using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Tenancy;

/// <summary>
/// What a tenant holds now, summed over its servers (every one but those being deleted, running or not): the numbers
/// its quotas are measured against.
/// </summary>
public sealed record TenantUsage(int Servers, long MemoryMiB, long GuaranteedMiB, int VCpus, long DiskGiB)
{
    public static readonly TenantUsage Zero = new(0, 0, 0, 0, 0);

    public static async Task<TenantUsage> OfAsync(VzPanelDbContext db, Guid tenantId, CancellationToken ct) =>
        (await OfAsync(db, [tenantId], ct)).GetValueOrDefault(tenantId, Zero);

    public static async Task<Dictionary<Guid, TenantUsage>> OfAsync(VzPanelDbContext db, IReadOnlyCollection<Guid>? tenantIds, CancellationToken ct)
    {
        // Explicitly per tenant, without the scope's filter: admission for staff and customers reads the same sums.
        var sums = await db.Instances.IgnoreQueryFilters().AsNoTracking()
            .Where(i => i.State != InstanceState.Deleting && (tenantIds == null || tenantIds.Contains(i.TenantId)))
            .GroupBy(i => i.TenantId)
            .Select(g => new
            {
                TenantId = g.Key,
                Servers = g.Count(),
                Memory = g.Sum(i => i.MemoryMiB),
                Guaranteed = g.Sum(i => (i.MemoryMiB * i.MemoryGuaranteePercent + 99) / 100),   // MemoryGuarantee.MiB, spelled out for SQL
                VCpus = g.Sum(i => i.VCpus),
                Disk = g.Sum(i => i.DiskGiB),
            })
            .ToListAsync(ct);
        return sums.ToDictionary(s => s.TenantId, s => new TenantUsage(s.Servers, s.Memory, s.Guaranteed, s.VCpus, s.Disk));
    }
}
