using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
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
            ClaimsPrincipal? last = null;
            AccessScope? cached = null;
            access.ResolveWith(() =>
            {
                // In a circuit the state is set before any component runs; outside one it may never be.
                Task<AuthenticationState> state;
                try { state = auth.GetAuthenticationStateAsync(); }
                catch (InvalidOperationException) { return null; }   // not a circuit and no state set
                if (!state.IsCompletedSuccessfully) return null;
                if (!ReferenceEquals(state.Result.User, last))
                {
                    last = state.Result.User;
                    cached = AccessScope.FromPrincipal(last);
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
        context.RequestServices.GetRequiredService<CurrentAccess>().Scope =
            AccessScope.FromPrincipal(context.User) with { SourceAddress = context.Connection.RemoteIpAddress };
        await next(context);
    });
}
