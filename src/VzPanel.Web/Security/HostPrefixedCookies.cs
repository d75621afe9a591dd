using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace VzPanel.Web.Security;

/// <summary>
/// Over HTTPS (directly or through a known proxy) the sign-in and antiforgery cookies are <c>Secure</c> and named with
/// the <c>__Host-</c> prefix, so the browser refuses them from plain HTTP, from a subdomain or for another path. Over
/// plain HTTP (the loopback quick start) they keep their plain names, since a browser drops <c>__Host-</c> cookies
/// there. Decided per request, so one panel can serve both.
/// </summary>
internal static class HostPrefixedCookies
{
    public const string Prefix = "__Host-";
    public const string AntiforgeryCookieName = "vzpanel.csrf";

    public static IServiceCollection AddHostPrefixedCookies(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        string[] schemes = [IdentityConstants.ApplicationScheme, IdentityConstants.ExternalScheme,
            IdentityConstants.TwoFactorUserIdScheme, IdentityConstants.TwoFactorRememberMeScheme];
        foreach (var scheme in schemes)
            services.PostConfigure<CookieAuthenticationOptions>(scheme, o =>
            {
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.CookieManager = new PrefixingCookieManager(o.CookieManager);
            });
        services.AddOptions<AntiforgeryOptions>().Configure<IHttpContextAccessor>((o, http) =>
        {
            o.HeaderName = ApiAntiforgery.HeaderName;
            // The framework's defaults for this cookie, kept: script cannot read it, other sites never send it.
            o.Cookie = new PrefixingCookieBuilder(http)
            {
                Name = AntiforgeryCookieName,
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                IsEssential = true,
                SecurePolicy = CookieSecurePolicy.SameAsRequest,
            };
        });
        return services;
    }

    internal static string NameFor(HttpContext? context, string name) => context?.Request.IsHttps == true ? Prefix + name : name;

    private static CookieOptions Secured(HttpContext context, CookieOptions options)
    {
        if (!context.Request.IsHttps) return options;
        options.Secure = true;   // what __Host- demands: Secure, Path=/, no Domain
        options.Path = "/";
        options.Domain = null;
        return options;
    }

    private sealed class PrefixingCookieManager(ICookieManager inner) : ICookieManager
    {
        public string? GetRequestCookie(HttpContext context, string key) => inner.GetRequestCookie(context, NameFor(context, key));

        public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options) =>
            inner.AppendResponseCookie(context, NameFor(context, key), value, Secured(context, options));

        public void DeleteCookie(HttpContext context, string key, CookieOptions options) =>
            inner.DeleteCookie(context, NameFor(context, key), Secured(context, options));
    }

    /// <summary>The antiforgery cookie's name comes from its builder, read during each request.</summary>
    private sealed class PrefixingCookieBuilder(IHttpContextAccessor http) : CookieBuilder
    {
        private string? _name;

        public override string? Name
        {
            get => _name is null ? null : NameFor(http.HttpContext, _name);
            set => _name = value;
        }

        public override CookieOptions Build(HttpContext context, DateTimeOffset expiresFrom)
        {
            var options = base.Build(context, expiresFrom);
            return Secured(context, options);
        }
    }
}
