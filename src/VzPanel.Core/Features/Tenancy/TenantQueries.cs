using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Identity;

namespace VzPanel.Core.Features.Tenancy;

/// <summary>Reads customer accounts. Scoped by the data layer: staff see every tenant, a customer only its own.</summary>
public interface ITenantQueries
{
    Task<IReadOnlyList<TenantView>> ListAsync(CancellationToken ct);
    Task<TenantView?> GetAsync(Guid id, CancellationToken ct);
    /// <summary>The plans a customer account can be put on now: the ones not retired.</summary>
    Task<IReadOnlyList<PlanOption>> PlansAsync(CancellationToken ct);

    /// <summary>The tenant's sign-in accounts; staff only (a customer gets an empty list).</summary>
    Task<IReadOnlyList<TenantUserView>> UsersAsync(Guid tenantId, CancellationToken ct);

    Task<IReadOnlyList<TenantServerView>> ServersAsync(Guid tenantId, CancellationToken ct);
}

public sealed class TenantQueries(IDbContextFactory<VzPanelDbContext> dbFactory, CurrentAccess access, TimeProvider clock) : ITenantQueries
{
    public async Task<IReadOnlyList<TenantView>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenants = await db.Tenants.AsNoTracking().Include(t => t.Plan).OrderBy(t => t.Name).ToListAsync(ct);
        var usage = await TenantUsage.OfAsync(db, access.Scope.SeesAllTenants ? null : [.. tenants.Select(t => t.Id)], ct);
        return [.. tenants.Select(t => View(t, usage.GetValueOrDefault(t.Id, TenantUsage.Zero)))];
    }

    public async Task<TenantView?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Tenants.AsNoTracking().Include(t => t.Plan).SingleOrDefaultAsync(t => t.Id == id, ct);
        return tenant is null ? null : View(tenant, await TenantUsage.OfAsync(db, id, ct));
    }

    public async Task<IReadOnlyList<PlanOption>> PlansAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Plans.AsNoTracking().Where(p => p.RetiredAt == null).OrderBy(p => p.Name).Select(p => new PlanOption(p.Id, p.Name)).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<TenantUserView>> UsersAsync(Guid tenantId, CancellationToken ct)
    {
        if (!access.Scope.SeesAllTenants) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var users = await db.Users.AsNoTracking().Where(u => u.TenantId == tenantId).OrderBy(u => u.UserName)
            .Select(u => new
            {
                u.Id, u.UserName, u.DisplayName, u.LockoutEnd,
                Role = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return [.. users.Select(u => new TenantUserView(u.Id, u.UserName ?? "", u.DisplayName,
            Enum.TryParse<PanelRole>(u.Role, out var role) ? role : null, u.LockoutEnd > now))];
    }

    public async Task<IReadOnlyList<TenantServerView>> ServersAsync(Guid tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Instances.AsNoTracking().Where(i => i.TenantId == tenantId).OrderBy(i => i.Name)
            .Select(i => new TenantServerView(i.Id, i.Name, i.Kind, i.State, i.MemoryMiB, i.VCpus, i.DiskGiB, i.Node!.Name))
            .ToListAsync(ct);
    }

    private static TenantView View(Tenant t, TenantUsage usage) =>
        new(t.Id, t.Name, t.ContactEmail, t.PlanId, t.Plan?.Name ?? "", t.State, t.Quotas, usage, t.CreatedAt);
}
