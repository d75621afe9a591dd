using System.Net;
using System.Security.Claims;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Identity.Tokens;

namespace VzPanel.Core.Features.Tenancy;

/// <summary>
/// Who is asking, reduced to what the data layer needs: which tenants' rows are visible and whether the
/// inventory may be changed. The DbContext applies it to every query and every save, so no page or
/// endpoint has to remember to.
/// </summary>
public sealed record AccessScope(string ActorName, Guid? UserId, PanelRole? Role, Guid? TenantId)
{
    /// <summary>Background jobs, startup seeding and the agents' reports: everything, writable.</summary>
    public static AccessScope System { get; } = new("system", null, null, null) { IsSystem = true };

    /// <summary>Nobody signed in: no tenant rows, no inventory writes.</summary>
    public static AccessScope Anonymous { get; } = new("anonymous", null, null, null);

    public bool IsSystem { get; private init; }

    /// <summary>Where the request came from, for the audit log; null for jobs and circuits without one.</summary>
    public IPAddress? SourceAddress { get; init; }

    /// <summary>
    /// The customer's tenant was suspended when the scope was made: it reads, and changes nothing. The data layer
    /// checks the tenant's state again on every save, so a scope made before a suspension cannot slip past it.
    /// </summary>
    public bool TenantSuspended { get; init; }

    public bool SeesAllTenants => IsSystem || Role is PanelRole.Admin or PanelRole.Support;

    /// <summary>Signed in with a read-only API token: sees what the user sees, changes nothing.</summary>
    public bool ReadOnlyToken { get; init; }

    public bool CanWriteInventory => !ReadOnlyToken
        && (IsSystem || Role is PanelRole.Admin || (Role is PanelRole.Customer && TenantId is not null && !TenantSuspended));

    public static AccessScope ForTenant(Guid tenantId, string actorName = "customer") =>
        new(actorName, null, PanelRole.Customer, tenantId);

    public static AccessScope FromPrincipal(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true) return Anonymous;

        var name = user.Identity.Name ?? "unknown";
        Guid? userId = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
        Guid? tenantId = Guid.TryParse(user.FindFirstValue(PanelClaims.TenantId), out var t) ? t : null;

        // The most powerful role wins; an account is expected to hold exactly one.
        PanelRole? role = user.IsInRole(nameof(PanelRole.Admin)) ? PanelRole.Admin
            : user.IsInRole(nameof(PanelRole.Support)) ? PanelRole.Support
            : user.IsInRole(nameof(PanelRole.Customer)) ? PanelRole.Customer
            : null;
        return new AccessScope(name, userId, role, role == PanelRole.Customer ? tenantId : null)
        {
            ReadOnlyToken = user.FindFirstValue(ApiTokenClaims.Scope) == ApiTokenClaims.ReadScope,
        };
    }
}
