using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;

namespace VzPanel.Core.Features.Tenancy;

/// <summary>
/// A suspended tenant's users sign in and read, but change nothing; its servers keep running. The data layer refuses
/// their saves (<see cref="VzPanelDbContext"/>); services ask here first so the caller gets a reason with a code.
/// </summary>
public static class TenantSuspension
{
    public const string Banner = "This account is suspended: you can look, not change. Contact your provider to have it resumed.";

    public static string Explain(string tenantName) =>
        $"{tenantName} is suspended: you can look, not change. Contact your provider to have it resumed.";

    /// <summary>The refusal for a customer scope whose tenant is suspended; null for staff, jobs and active tenants.</summary>
    public static async Task<Error?> RefusalAsync(VzPanelDbContext db, AccessScope scope, CancellationToken ct)
    {
        if (scope.SeesAllTenants || scope.TenantId is not { } tenantId) return null;
        var tenant = await db.Tenants.IgnoreQueryFilters().AsNoTracking()
            .Where(t => t.Id == tenantId).Select(t => new { t.Name, t.State }).SingleOrDefaultAsync(ct);
        return tenant?.State == TenantState.Suspended ? TenantErrors.SuspendedTenant(tenant.Name) : null;
    }

    /// <summary>Whether <paramref name="tenantId"/> is suspended, read now (not from a cached scope).</summary>
    public static Task<bool> IsSuspendedAsync(VzPanelDbContext db, Guid tenantId, CancellationToken ct) =>
        db.Tenants.IgnoreQueryFilters().AnyAsync(t => t.Id == tenantId && t.State == TenantState.Suspended, ct);
}
