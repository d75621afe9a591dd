using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace VzPanel.Web.Security;

/// <summary>
/// A browser opens a WebSocket (or the negotiate request) to <c>/hubs/*</c> with the sign-in cookie from any page,
/// and WebSockets are not bound by CORS: another site could listen to the panel's live events as the signed-in user.
/// So a handshake that names an Origin must name the panel's own (or one listed under <c>Web:AllowedOrigins</c>).
/// Clients that are not browsers (the CLI) send no Origin and are judged by their credentials alone.
/// </summary>
internal static class HubOriginCheck
{
    public static IApplicationBuilder UseHubOriginCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/hubs")
            && context.Request.Headers[HeaderNames.Origin].ToString() is { Length: > 0 } origin
            && !Allowed(context, origin))
        {
            await context.RequestServices.GetRequiredService<DeniedAttemptAudit>().RecordAsync(context, "access.denied-origin",
                $"Refused {context.Request.Path} from origin {Truncated(origin)}.", context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        await next(context);
    });

    private static bool Allowed(HttpContext context, string origin)
    {
        var own = $"{context.Request.Scheme}://{context.Request.Host.Value}";
        if (string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)) return true;
        var allowed = context.RequestServices.GetRequiredService<IOptions<WebSecurityOptions>>().Value.AllowedOrigins;
        return allowed.Any(a => string.Equals(a, origin, StringComparison.OrdinalIgnoreCase));
    }

    private static string Truncated(string origin) => origin.Length <= 200 ? origin : origin[..200];
}
