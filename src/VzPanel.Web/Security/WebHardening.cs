using VzPanel.Web.Security.Sessions;

namespace VzPanel.Web.Security;

/// <summary>Request hardening (docs/security.md, "Request and session hardening"): registrations in one place.</summary>
internal static class WebHardening
{
    public static IServiceCollection AddWebHardening(this IServiceCollection services)
    {
        services.AddKnownProxies();
        services.AddHostPrefixedCookies();
        services.AddSingleton<DeniedAttemptAudit>();
        SignInThrottle.AddSignInThrottle(services);
        services.AddPanelSessions();
        return services;
    }
}
