using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing.Plans;

/// <summary>Reads plans. Staff see every plan; a customer only its own tenant's (another plan is as if it did not exist).</summary>
public interface IPlanQueries
{
    Task<IReadOnlyList<PlanView>> ListAsync(CancellationToken ct);
    Task<PlanView?> GetAsync(Guid id, CancellationToken ct);
}

public sealed class PlanQueries(IDbContextFactory<VzPanelDbContext> dbFactory, CurrentAccess access) : IPlanQueries
{
    public async Task<IReadOnlyList<PlanView>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Views(db, db.Plans.OrderBy(p => p.Name)).ToListAsync(ct);
    }

    public async Task<PlanView?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Views(db, db.Plans.Where(p => p.Id == id)).SingleOrDefaultAsync(ct);
    }

    // Plans carry no tenant, so the scope is applied here: through the tenant filter a customer finds only its own plan,
    // and the counts, read through the same filters, are of what the caller may see.
    private IQueryable<PlanView> Views(VzPanelDbContext db, IQueryable<Plan> plans)
    {
        var seesAll = access.Scope.SeesAllTenants;
        return plans.AsNoTracking()
            .Where(p => seesAll || db.Tenants.Any(t => t.PlanId == p.Id))
            .Select(p => new PlanView(p.Id, p.Name, p.MemoryMinMiB, p.MemoryMaxMiB, p.VCpuMax, p.DiskMaxGiB,
                p.PricePerGiBHour, p.PricePerVCpuHour, p.PricePerDiskGiBMonth, p.GuaranteePremiumShare, p.Currency, p.Billing,
                p.RetiredAt != null, p.RetiredAt,
                db.Tenants.Count(t => t.PlanId == p.Id),
                db.Instances.Count(i => db.Tenants.Any(t => t.Id == i.TenantId && t.PlanId == p.Id))));
    }
}
