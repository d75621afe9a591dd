using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace VzPanel.Web.Security;

/// <summary>
/// Behind a TLS-terminating reverse proxy the panel learns the client's address and the scheme from
/// <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c>, but only from the proxies listed under <c>Web</c>: anyone else
/// could claim any address (defeating sign-in throttling and the audit trail) or claim HTTPS.
/// </summary>
internal static class KnownProxies
{
    public static IServiceCollection AddKnownProxies(this IServiceCollection services)
    {
        services.AddOptions<WebSecurityOptions>().BindConfiguration(WebSecurityOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebSecurityOptions>, WebSecurityOptionsValidator>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<WebSecurityOptions>>((forwarded, web) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear();   // the framework's default trusts loopback; here only what is configured
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in web.Value.ParsedProxies) forwarded.KnownProxies.Add(proxy);
            foreach (var network in web.Value.ParsedNetworks) forwarded.KnownIPNetworks.Add(network);
        });
        return services;
    }

    public static IApplicationBuilder UseKnownProxies(this IApplicationBuilder app)
    {
        var web = app.ApplicationServices.GetRequiredService<IOptions<WebSecurityOptions>>().Value;
        // With both lists empty the middleware would believe every sender, so without a configured proxy it is left out.
        return web.KnownProxies.Length + web.KnownNetworks.Length == 0 ? app : app.UseForwardedHeaders();
    }
}
