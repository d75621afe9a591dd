using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Security;

/// <summary>
/// Connects the signed-in user to the data layer's <see cref="CurrentAccess"/>: HTTP requests take it from
/// the request, Blazor circuits from their authentication state. Nothing else sets it for a person.
/// </summary>
internal static class AccessScopeSetup
{
    public static IServiceCollection AddAccessScopeFromUser(this IServiceCollection services)
    {
        services.AddScoped(sp =>
        {
            var access = new CurrentAccess();
            var auth = sp.GetRequiredService<AuthenticationStateProvider>();
            var clock = sp.GetRequiredService<TimeProvider>();
            ClaimsPrincipal? last = null;
            AccessScope? cached = null;
            var lookedUpAt = DateTimeOffset.MinValue;
            access.ResolveWith(() =>
            {
                // In a circuit the state is set before any component runs; outside one it may never be.
                Task<AuthenticationState> state;
                try { state = auth.GetAuthenticationStateAsync(); }
                catch (InvalidOperationException) { return null; }   // not a circuit and no state set
                if (!state.IsCompletedSuccessfully) return null;
                // The tenant's suspension is read again now and then, so an open circuit follows a suspension or resumption.
                if (!ReferenceEquals(state.Result.User, last) || clock.GetUtcNow() - lookedUpAt > SuspensionRecheck)
                {
                    last = state.Result.User;
                    lookedUpAt = clock.GetUtcNow();
                    cached = WithSuspension(AccessScope.FromPrincipal(last), sp);
                }
                return cached;
            });
            return access;
        });
        return services;
    }

    /// <summary>For every HTTP request (pages and API), after authentication.</summary>
    public static IApplicationBuilder UseAccessScopeFromUser(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var scope = AccessScope.FromPrincipal(context.User) with { SourceAddress = context.Connection.RemoteIpAddress };
        if (scope.TenantId is { } tenantId)
        {
            await using var db = await context.RequestServices.GetRequiredService<IDbContextFactory<VzPanelDbContext>>()
                .CreateDbContextAsync(context.RequestAborted);
            scope = scope with { TenantSuspended = await TenantSuspension.IsSuspendedAsync(db, tenantId, context.RequestAborted) };
        }
        context.RequestServices.GetRequiredService<CurrentAccess>().Scope = scope;
        await next(context);
    });

    private static readonly TimeSpan SuspensionRecheck = TimeSpan.FromSeconds(15);

    private static AccessScope WithSuspension(AccessScope scope, IServiceProvider services)
    {
        if (scope.TenantId is not { } tenantId) return scope;
        // Resolved here, not with CurrentAccess: the context factory itself depends on CurrentAccess.
        // Synchronous on purpose: the resolver is a plain property read; this runs once per principal and recheck period.
        using var db = services.GetRequiredService<IDbContextFactory<VzPanelDbContext>>().CreateDbContext();
        return scope with { TenantSuspended = db.Tenants.IgnoreQueryFilters().Any(t => t.Id == tenantId && t.State == TenantState.Suspended) };
    }
}
