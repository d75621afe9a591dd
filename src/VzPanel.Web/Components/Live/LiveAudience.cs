using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Components.Live;

/// <summary>
/// Which panel events a viewer may see. The DbContext scopes what pages read, but events reach every circuit,
/// so this one rule drops what a viewer must not learn of before any page hears it (the events hub routes by
/// the same rule: staff get everything, a tenant its own rows).
/// </summary>
internal static class LiveAudience
{
    public static bool Sees(this AccessScope scope, object evt) => evt switch
    {
        InstanceChanged e => scope.SeesTenant(e.TenantId),
        OperationChanged e => scope.SeesTenant(e.TenantId),
        NodeChanged => scope.SeesAllTenants,   // the fleet is staff business
        TenantChanged e => scope.SeesTenant(e.TenantId),
        _ => scope.SeesAllTenants,             // an event nobody classified yet: staff only rather than everyone
    };

    private static bool SeesTenant(this AccessScope scope, Guid? tenantId) =>
        scope.SeesAllTenants || (tenantId is not null && tenantId == scope.TenantId);
}
