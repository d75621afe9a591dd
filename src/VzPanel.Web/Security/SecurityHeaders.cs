using System.Security.Cryptography;

namespace VzPanel.Web.Security;

/// <summary>
/// Browser-side limits on every response: scripts only from the panel itself (plus the one inline import map Blazor
/// renders, allowed by a per-response nonce), styles from the panel and inline (MudBlazor sets style attributes),
/// connections only back to this host (the Blazor circuit's WebSocket), never inside another site's frame, no MIME
/// sniffing, and no full URLs leaking to other sites. Blazor Server needs no <c>unsafe-eval</c>.
/// </summary>
internal static class SecurityHeaders
{
    private const string NonceItem = "vzpanel.csp-nonce";

    /// <summary>The nonce of this response's Content-Security-Policy, for the one inline script (the import map).</summary>
    public static string CspNonce(HttpContext context) => context.Items[NonceItem] as string ?? "";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Hex, not base64: a "+" would reach the page HTML-encoded, and the nonce should read the same in header and markup.
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceItem] = nonce;
        context.Response.OnStarting(() =>
        {
            var host = context.Request.Host.Value;
            var headers = context.Response.Headers;
            // Set as the response starts, replacing the frame-ancestors 'self' policy Blazor's interactive endpoints add.
            headers.ContentSecurityPolicy =
                "default-src 'self'; " +
                "img-src 'self' data:; " +
                "style-src 'self' 'unsafe-inline'; " +
                $"script-src 'self' 'nonce-{nonce}'; " +
                $"connect-src 'self' ws://{host} wss://{host}; " +
                "object-src 'none'; base-uri 'self'; form-action 'self'; " +
                "frame-ancestors 'none'";
            headers.XFrameOptions = "DENY";   // for browsers that predate frame-ancestors
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
