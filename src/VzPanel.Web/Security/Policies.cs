using Microsoft.AspNetCore.Authorization;
using VzPanel.Core.Features.Identity;

namespace VzPanel.Web.Security;

/// <summary>Policy names pages and endpoints use; what each role may do is decided here only.</summary>
public static class Policies
{
    /// <summary>Anyone signed in with a role.</summary>
    public const string SignedIn = "signed-in";

    /// <summary>Provider staff (admin and support): the whole fleet, nodes and counters, read-only for support.</summary>
    public const string Staff = "staff";

    /// <summary>Fleet changes: nodes, plans, tenants, jobs dashboard.</summary>
    public const string Admin = "admin";

    /// <summary>Changing servers: admins anywhere, customers on their own tenant (the data layer enforces which).</summary>
    public const string ManageInstances = "manage-instances";

    public static void Add(AuthorizationOptions o)
    {
        o.AddPolicy(SignedIn, p => p.RequireRole(Names(PanelRole.Admin, PanelRole.Support, PanelRole.Customer)));
        o.AddPolicy(Staff, p => p.RequireRole(Names(PanelRole.Admin, PanelRole.Support)));
        o.AddPolicy(Admin, p => p.RequireRole(Names(PanelRole.Admin)));
        o.AddPolicy(ManageInstances, p => p.RequireRole(Names(PanelRole.Admin, PanelRole.Customer)));
    }

    private static string[] Names(params PanelRole[] roles) => [.. roles.Select(r => r.ToString())];
}
