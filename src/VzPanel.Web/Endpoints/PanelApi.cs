using VzPanel.Core.Features.Dashboard;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Security;

namespace VzPanel.Web.Endpoints;

/// <summary>The REST API (v1). Endpoints stay thin: the services decide, the data layer scopes.</summary>
internal static class PanelApi
{
    public static void MapPanelApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.SignedIn).WithTags("VzPanel");

        api.MapGet("/me", (CurrentAccess access) =>
        {
            var s = access.Scope;
            return TypedResults.Ok(new MeResponse(s.ActorName, s.Role?.ToString(), s.TenantId, s.CanWriteInventory));
        }).WithSummary("Who the caller is and what the caller may do.");

        api.MapGet("/dashboard", (IFleetDashboardQueries dashboard, CancellationToken ct) => dashboard.GetSummaryAsync(ct))
            .WithSummary("Fleet summary: nodes, instances by state, memory installed, committed and guaranteed.");

        api.MapGet("/instances/resolve/{reference}", async (string reference, InstanceLookup lookup, CancellationToken ct) =>
                (await lookup.ResolveAsync(reference, ct)).ToHttp(id => TypedResults.Ok(new ResolvedInstance(id))))
            .WithSummary("Resolve a UUID or a name (a legacy VEID is a name) to the instance's UUID.");
    }

    public sealed record MeResponse(string Name, string? Role, Guid? TenantId, bool CanChangeInventory);

    public sealed record ResolvedInstance(Guid Id);
}
