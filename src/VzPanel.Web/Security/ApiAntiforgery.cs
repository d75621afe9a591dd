using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Net.Http.Headers;

namespace VzPanel.Web.Security;

/// <summary>
/// Cross-site request forgery for the REST API: a browser sends the sign-in cookie with any site's form post or
/// fetch, so a cookie-authenticated POST/PUT/PATCH/DELETE to <c>/api</c> must also carry the antiforgery header,
/// which another site cannot read or set. A request with <c>Authorization: Bearer</c> is authenticated by its token
/// only (the cookie is ignored there), so it needs none. Pages (Blazor forms, the sign-in and sign-out forms) keep the
/// framework's own form-field check.
/// </summary>
internal static class ApiAntiforgery
{
    public const string HeaderName = "X-VzPanel-CSRF";
    public const string Code = "csrf";
    public const string TokenPath = "/api/v1/antiforgery";

    public static IEndpointRouteBuilder MapAntiforgeryEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet(TokenPath, (IAntiforgery antiforgery, HttpContext http) =>
            {
                var tokens = antiforgery.GetAndStoreTokens(http);
                return TypedResults.Ok(new AntiforgeryResponse(tokens.HeaderName ?? HeaderName, tokens.RequestToken!));
            })
            .RequireAuthorization(Policies.SignedIn).WithTags("VzPanel")
            .WithSummary("The antiforgery header a cookie-authenticated caller sends with every POST/PUT/PATCH/DELETE.");
        return app;
    }

    /// <summary>After authentication, before any endpoint runs: a refused request changes nothing.</summary>
    public static IApplicationBuilder UseApiAntiforgery(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (NeedsHeader(context) && !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
        {
            await context.RequestServices.GetRequiredService<DeniedAttemptAudit>().RecordAsync(context, "access.denied-csrf",
                $"Refused {context.Request.Method} {context.Request.Path}: no valid antiforgery header.", context.RequestAborted);
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                    detail: $"This request needs the {HeaderName} header from GET /api/v1/antiforgery (or an API token).",
                    extensions: new Dictionary<string, object?> { ["code"] = Code })
                .ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    private static bool NeedsHeader(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api")
        && !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method))
        && context.User.Identity?.IsAuthenticated == true
        && !IsBearer(context.Request);

    public static bool IsBearer(HttpRequest request) =>
        request.Headers[HeaderNames.Authorization].ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    public sealed record AntiforgeryResponse(string HeaderName, string Token);
}
