using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Identity.Tokens;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Security;

/// <summary>
/// How a request says who it is: with <c>Authorization: Bearer …</c> only the API token counts (a cookie sent along is
/// ignored, so a Bearer request is never a cross-site one); without it, the Identity sign-in cookie.
/// </summary>
public static class PanelAuthentication
{
    /// <summary>The default scheme: picks one of the two below per request.</summary>
    public const string Scheme = "VzPanel";

    /// <summary>Personal API tokens (<c>vzp_…</c>), accepted on <c>/api</c> only.</summary>
    public const string ApiTokenScheme = "ApiToken";

    public const string TokenInvalid = "token_invalid";
    public const string ReadOnlyToken = "read_only_token";

    public static bool HasBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    public static void AddApiTokenAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddPolicyScheme(Scheme, "Token or sign-in cookie", o => o.ForwardDefaultSelector = ctx =>
                HasBearer(ctx.Request) ? ApiTokenScheme : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenScheme, null);
    }

    /// <summary>A read-only token changes nothing: every unsafe method is refused before it reaches an endpoint.</summary>
    public static IApplicationBuilder UseReadOnlyTokens(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.FindFirstValue(ApiTokenClaims.Scope) == ApiTokenClaims.ReadScope && !IsSafe(context.Request.Method)
            && context.GetEndpoint()?.Metadata.GetMetadata<ChangesNothing>() is null)
        {
            await context.RequestServices.GetRequiredService<DeniedAttemptAudit>().RecordAsync(
                AccessScope.FromPrincipal(context.User) with { SourceAddress = context.Connection.RemoteIpAddress }, new AuditEntry("auth.denied",
                $"Refused {context.Request.Method} {context.Request.Path}: a read-only API token cannot change anything.")
            {
                TargetType = "api-token",
                TargetId = context.User.FindFirstValue(ApiTokenClaims.TokenId),
            }, CancellationToken.None);
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Read-only token",
                detail: "This API token has the 'read' scope; create a 'write' token to make changes.",
                extensions: new Dictionary<string, object?> { ["code"] = ReadOnlyToken }).ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    /// <summary>
    /// Marks a POST that only computes an answer (a quote, a dry run): a read-only token may call it. Support's policy is
    /// the endpoint's own business.
    /// </summary>
    public static TBuilder ChangesNothing<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ChangesNothing());

    private static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
}

/// <summary>Signs a request in as the token's user, with the same claims (role, tenant) a cookie sign-in carries.</summary>
internal sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiTokenService tokens, UserManager<PanelUser> users, IUserClaimsPrincipalFactory<PanelUser> claims, AuditLog audit)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!PanelAuthentication.HasBearer(Request) || !Request.Path.StartsWithSegments("/api")) return AuthenticateResult.NoResult();
        var presented = Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        var use = await tokens.AuthenticateAsync(presented, Context.RequestAborted);
        if (use is null) return Refuse("unknown, expired or revoked token");

        var user = await users.FindByIdAsync(use.UserId.ToString());
        if (user is null || await users.IsLockedOutAsync(user)) return Refuse("the token's user is locked or gone");

        var principal = await claims.CreateAsync(user);
        var source = (ClaimsIdentity)principal.Identity!;
        var identity = new ClaimsIdentity(source.Claims, PanelAuthentication.ApiTokenScheme, source.NameClaimType, source.RoleClaimType);
        identity.AddClaim(new Claim(ApiTokenClaims.TokenId, use.TokenId.ToString()));
        identity.AddClaim(new Claim(ApiTokenClaims.Scope, use.Scope == ApiTokenScope.Read ? ApiTokenClaims.ReadScope : "write"));

        if (use.FirstUseToday)
        {
            await audit.RecordAsync(new AuditEntry("auth.token-used", $"Used the API token '{use.Name}' (first use today).")
            {
                Actor = user.UserName,
                ActorId = user.Id,
                TenantId = user.TenantId,
                TargetType = "api-token",
                TargetId = use.TokenId.ToString(),
                SourceAddress = Context.Connection.RemoteIpAddress,
            }, Context.RequestAborted);
        }
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), PanelAuthentication.ApiTokenScheme));
    }

    private AuthenticateResult Refuse(string why)
    {
        Logger.LogInformation("Refused an API token from {Address}: {Reason}", Context.Connection.RemoteIpAddress, why);
        return AuthenticateResult.Fail(why);
    }

    /// <summary>One answer for every bad token, so a caller learns nothing about which tokens exist.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: "The API token is invalid, expired or revoked.",
            extensions: new Dictionary<string, object?> { ["code"] = PanelAuthentication.TokenInvalid }).ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: "Your account may not do this.",
            extensions: new Dictionary<string, object?> { ["code"] = "forbidden" }).ExecuteAsync(Context);
}

/// <summary>Endpoint metadata: this unsafe-method route reads and computes, and changes nothing.</summary>
internal sealed class ChangesNothing;
