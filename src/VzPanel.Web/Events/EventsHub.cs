using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Security;
using VzPanel.Web.Security.Sessions;

namespace VzPanel.Web.Events;

/// <summary>
/// Live events for external clients (the CLI, dashboards): operation progress, instance and node changes.
/// A connection joins the staff group or its own tenant's group, and receives only that group's events.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class EventsHub(HubSessionWatch sessions) : Hub
{
    public const string Path = "/hubs/events";
    public const string StaffGroup = "staff";

    public static string TenantGroup(Guid tenantId) => $"tenant:{tenantId:N}";

    public override async Task OnConnectedAsync()
    {
        var scope = AccessScope.FromPrincipal(Context.User);
        if (scope.SeesAllTenants) await Groups.AddToGroupAsync(Context.ConnectionId, StaffGroup);
        else if (scope.TenantId is { } tenant) await Groups.AddToGroupAsync(Context.ConnectionId, TenantGroup(tenant));
        sessions.Track(Context);   // closed when its sign-in session ends
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Forget(Context);
        return base.OnDisconnectedAsync(exception);
    }
}
