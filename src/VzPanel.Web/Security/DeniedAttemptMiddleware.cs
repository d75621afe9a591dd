using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Security;

/// <summary>
/// Audits what the endpoints refused: every 403 of the API and hubs (a role or a read-only token not allowed to), and
/// a customer's 404 for an instance or operation that exists in another tenant. The caller still gets the plain
/// 404: whether another tenant's id exists is written down for the provider, never told to the customer.
/// </summary>
internal static class DeniedAttemptMiddleware
{
    public static IApplicationBuilder UseDeniedAttemptAudit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        await next(context);
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api") && !path.StartsWithSegments("/hubs")) return;

        var audit = context.RequestServices.GetRequiredService<DeniedAttemptAudit>();
        var what = $"{context.Request.Method} {path}";
        if (context.Response.StatusCode == StatusCodes.Status403Forbidden)
            await audit.RecordAsync(context, "access.denied", $"Refused {what} (403).", CancellationToken.None);
        else if (context.Response.StatusCode == StatusCodes.Status404NotFound
                 && OtherTenantTarget(context) is { } target
                 && await ExistsElsewhereAsync(context, target))
            await audit.RecordAsync(AccessScope.FromPrincipal(context.User) with { SourceAddress = context.Connection.RemoteIpAddress },
                new AuditEntry("access.denied-other-tenant", $"Refused {what}: the {target.Type} belongs to another tenant (answered 404).")
                    { TargetType = target.Type, TargetId = target.Reference }, CancellationToken.None);
    });

    private sealed record Target(string Type, string Reference);

    /// <summary>The id a customer's request named, for the routes whose targets belong to a tenant.</summary>
    private static Target? OtherTenantTarget(HttpContext context)
    {
        if (AccessScope.FromPrincipal(context.User) is not { Role: not null, SeesAllTenants: false }) return null;
        var values = context.Request.RouteValues;
        if (context.Request.Path.StartsWithSegments("/api/v1/instances") && values["reference"] is string reference)
            return new Target("instance", reference);
        if (context.Request.Path.StartsWithSegments("/api/v1/operations") && values["id"] is string id)
            return new Target("operation", id);
        return null;
    }

    private static async Task<bool> ExistsElsewhereAsync(HttpContext context, Target target)
    {
        await using var scope = context.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System;
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<VzPanelDbContext>>().CreateDbContextAsync();
        var isId = Guid.TryParse(target.Reference, out var id);
        return target.Type == "instance"
            ? await db.Instances.AnyAsync(i => (isId && i.Id == id) || i.Name == target.Reference)
            : isId && await db.Operations.AnyAsync(o => o.Id == id);
    }
}
