using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Identity.Mfa;
using VzPanel.Core.Features.Identity.Sessions;
using VzPanel.Core.Features.Identity.Tokens;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Data;

/// <summary>
/// The one place that decides whether a save may change a row: support and anonymous scopes change no
/// inventory, customers change only their own tenant's rows, and nobody rewrites the audit log.
/// </summary>
internal static class WriteRules
{
    public static void Enforce(ChangeTracker tracker, AccessScope scope)
    {
        foreach (var entry in tracker.Entries())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            if (IsAccountData(entry.Entity)) continue;   // account services check who may change these (lockout counts while anonymous)

            if (entry.Entity is AuditEvent)
            {
                if (entry.State != EntityState.Added)
                    throw new AccessDeniedException("The audit log is append-only.");
                continue;
            }

            if (!scope.CanWriteInventory)
                throw new AccessDeniedException(scope.Role == PanelRole.Support
                    ? "Support accounts are read-only."
                    : "Sign in with an account that may change this.");

            // A customer's own Tenant row carries its plan, state and quotas: only administrators change those.
            if (entry.Entity is Tenant && !(scope.IsSystem || scope.Role == PanelRole.Admin))
                throw new AccessDeniedException("Only administrators change customer accounts.");

            if (!scope.SeesAllTenants) EnforceTenant(entry, scope);
        }
    }

    /// <summary>
    /// The tenant whose state decides this save: a customer scope changing inventory must belong to an active tenant.
    /// Null when the save changes only account data or the audit log (sign-in works while suspended), or the scope is staff.
    /// </summary>
    public static Guid? TenantThatMustBeActive(ChangeTracker tracker, AccessScope scope)
    {
        if (scope.SeesAllTenants || scope.TenantId is not { } tenantId) return null;
        return tracker.Entries().Any(e => e.State is not (EntityState.Unchanged or EntityState.Detached)
            && !IsAccountData(e.Entity) && e.Entity is not AuditEvent) ? tenantId : null;
    }

    private static void EnforceTenant(EntityEntry entry, AccessScope scope)
    {
        if (entry.Entity is not ITenantOwned owned)
            throw new AccessDeniedException($"Customers cannot change {entry.Metadata.ClrType.Name} records.");

        var original = entry.State == EntityState.Added ? owned.OwnerTenantId : OriginalTenant(entry);
        if (owned.OwnerTenantId != scope.TenantId || original != scope.TenantId)
            throw new AccessDeniedException("That belongs to another customer.");
    }

    private static Guid? OriginalTenant(EntityEntry entry)
    {
        var property = entry.Metadata.FindProperty("TenantId") ?? entry.Metadata.FindPrimaryKey()?.Properties[0];
        return property is null ? null : entry.OriginalValues[property] as Guid?;
    }

    private static bool IsAccountData(object entity) =>
        entity is PanelUser or IdentityRole<Guid> or IdentityUserRole<Guid> or IdentityUserClaim<Guid>
            or IdentityRoleClaim<Guid> or IdentityUserLogin<Guid> or IdentityUserToken<Guid>
            or ApiToken or SetPasswordLink or RecoveryCode or UserSession;
}
