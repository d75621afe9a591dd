using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace VzPanel.Web.Security.Sessions;

/// <summary>
/// Ties the sign-in cookie to its <see cref="PanelSessions"/> row: signing in starts a row and puts its id in the cookie,
/// every request checks the row is live (not ended, not past its absolute lifetime), and removing or refusing the cookie
/// ends its row. Identity's security-stamp check runs first, every <see cref="PanelSessionOptions.SecurityStampCheckMinutes"/>.
/// </summary>
internal static class SessionCookie
{
    public static IServiceCollection AddPanelSessions(this IServiceCollection services)
    {
        services.AddOptions<PanelSessionOptions>().BindConfiguration(PanelSessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PanelSessions>();
        services.AddSingleton<HubSessionWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<HubSessionWatch>());
        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<PanelSessionOptions>>((o, sessions) =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(sessions.Value.SecurityStampCheckMinutes);
            // The refreshed principal comes from the claims factory; the session it belongs to stays the same.
            o.OnRefreshingPrincipal = context =>
            {
                if (context.CurrentPrincipal?.FindFirst(PanelSessions.ClaimType) is { } claim && context.NewPrincipal?.Identity is ClaimsIdentity identity)
                    identity.AddClaim(new Claim(PanelSessions.ClaimType, claim.Value));
                return Task.CompletedTask;
            };
        });
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, Hook);
        return services;
    }

    private static void Hook(CookieAuthenticationOptions cookie)
    {
        var signingIn = cookie.Events.OnSigningIn;
        var validate = cookie.Events.OnValidatePrincipal;
        var signingOut = cookie.Events.OnSigningOut;

        cookie.Events.OnSigningIn = async context =>
        {
            await signingIn(context);
            var sessions = context.HttpContext.RequestServices.GetRequiredService<PanelSessions>();
            if (context.Principal?.Identity is not ClaimsIdentity identity
                || !Guid.TryParse(identity.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var userId)) return;
            // A refreshed sign-in (after a password change, say) replaces this browser's session instead of adding one.
            if (PanelSessions.IdOf(context.HttpContext.User) is { } replaced) await sessions.EndAsync(replaced);
            foreach (var stale in identity.FindAll(PanelSessions.ClaimType).ToList()) identity.RemoveClaim(stale);
            identity.AddClaim(new Claim(PanelSessions.ClaimType, (await sessions.StartAsync(userId, context.HttpContext)).ToString()));
        };

        cookie.Events.OnValidatePrincipal = async context =>
        {
            var sessionId = PanelSessions.IdOf(context.Principal);
            await validate(context);   // Identity's security-stamp check
            if (context.Principal is null)
            {
                if (sessionId is { } refused) await context.HttpContext.RequestServices.GetRequiredService<PanelSessions>().EndAsync(refused);
                return;
            }
            if (!await context.HttpContext.RequestServices.GetRequiredService<PanelSessions>().IsLiveAsync(context.Principal, touch: true))
            {
                context.RejectPrincipal();   // ended elsewhere, past its absolute lifetime, or a cookie from before sessions
                await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            }
        };

        cookie.Events.OnSigningOut = async context =>
        {
            if (PanelSessions.IdOf(context.HttpContext.User) is { } id)
                await context.HttpContext.RequestServices.GetRequiredService<PanelSessions>().EndAsync(id);
            await signingOut(context);
        };
    }
}
