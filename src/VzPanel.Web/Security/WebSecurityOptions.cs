using System.Net;
using Microsoft.Extensions.Options;

namespace VzPanel.Web.Security;

/// <summary>
/// How the panel is reached: which reverse proxies may tell it the client's address and scheme, and which other
/// origins may open the events hub. Nothing is trusted unless listed here.
/// </summary>
public sealed class WebSecurityOptions
{
    public const string Section = "Web";

    /// <summary>Addresses of reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed.</summary>
    public string[] KnownProxies { get; init; } = [];

    /// <summary>Networks (CIDR, e.g. <c>10.0.0.0/8</c>) of such proxies.</summary>
    public string[] KnownNetworks { get; init; } = [];

    /// <summary>Origins besides the panel's own (e.g. <c>https://status.example.com</c>) allowed to open <c>/hubs/*</c> from a browser.</summary>
    public string[] AllowedOrigins { get; init; } = [];

    internal IPAddress[] ParsedProxies => [.. KnownProxies.Select(IPAddress.Parse)];

    internal IPNetwork[] ParsedNetworks => [.. KnownNetworks.Select(n => IPNetwork.Parse(n))];
}

internal sealed class WebSecurityOptionsValidator(IConfiguration configuration) : IValidateOptions<WebSecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, WebSecurityOptions o)
    {
        var failures = new List<string>();
        // The framework's switch believes X-Forwarded-* from every sender when no proxy is listed: refused, not obeyed.
        if (string.Equals(configuration["FORWARDEDHEADERS_ENABLED"], "true", StringComparison.OrdinalIgnoreCase)
            && o.KnownProxies.Length + o.KnownNetworks.Length == 0)
            failures.Add("ASPNETCORE_FORWARDEDHEADERS_ENABLED trusts X-Forwarded-For from anyone; remove it and list the reverse proxy "
                + "under Web:KnownProxies (e.g. Web__KnownProxies__0=127.0.0.1) or Web:KnownNetworks.");
        failures.AddRange(o.KnownProxies.Where(p => !IPAddress.TryParse(p, out _))
            .Select(p => $"Web:KnownProxies: '{p}' is not an IP address."));
        failures.AddRange(o.KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _))
            .Select(n => $"Web:KnownNetworks: '{n}' is not a network such as 10.0.0.0/8."));
        failures.AddRange(o.AllowedOrigins.Where(a => !Uri.TryCreate(a, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")
                || u.AbsolutePath != "/" || a.EndsWith('/'))
            .Select(a => $"Web:AllowedOrigins: '{a}' is not an origin such as https://status.example.com (scheme, host, optional port, no path)."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
