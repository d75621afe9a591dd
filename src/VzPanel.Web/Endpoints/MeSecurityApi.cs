using Microsoft.AspNetCore.Mvc;
using VzPanel.Core.Features.Identity.Mfa;
using VzPanel.Core.Features.Identity.Tokens;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Security;

namespace VzPanel.Web.Endpoints;

/// <summary>The caller's own second factor and API tokens (<c>/api/v1/me/…</c>).</summary>
internal static class MeSecurityApi
{
    public static void MapMeSecurityApi(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me").RequireAuthorization(Policies.SignedIn).WithTags("Account");

        me.MapGet("/mfa", async (CurrentAccess access, MfaService mfa, CancellationToken ct) =>
                TypedResults.Ok(await mfa.GetStatusAsync(UserId(access), ct)))
            .WithSummary("Whether two-factor sign-in is on, and how many recovery codes are left.");

        me.MapPost("/mfa/totp", async (CurrentAccess access, MfaService mfa, CancellationToken ct) =>
                (await mfa.StartSetupAsync(UserId(access), ct)).ToHttp(s => TypedResults.Ok(s)))
            .WithSummary("Start TOTP setup: a new secret and its otpauth:// URI for an authenticator app (MFA must be off).");

        me.MapPost("/mfa/totp/confirm", async (ConfirmRequest body, CurrentAccess access, MfaService mfa, CancellationToken ct) =>
                (await mfa.ConfirmAsync(UserId(access), body.Code, ct)).ToHttp(codes => TypedResults.Ok(new RecoveryCodesResponse(codes))))
            .WithSummary("Turn two-factor sign-in on with a current code; answers the ten one-time recovery codes, shown this once.");

        me.MapDelete("/mfa", async ([FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] DisableRequest? body,
                CurrentAccess access, MfaService mfa, CancellationToken ct) =>
                (await mfa.DisableAsync(UserId(access), body?.Code, body?.Password, ct)).ToHttp(_ => TypedResults.NoContent()))
            .WithSummary("Turn two-factor sign-in off; needs a current code, a recovery code or the password.");

        me.MapGet("/tokens", async (CurrentAccess access, ApiTokenService tokens, CancellationToken ct) =>
                TypedResults.Ok((await tokens.ListAsync(UserId(access), ct)).Select(TokenResponse.From)))
            .WithSummary("The caller's API tokens (never the secret): name, scope, created, expires, last used, revoked.");

        me.MapPost("/tokens", async (CreateTokenRequest body, CurrentAccess access, ApiTokenService tokens, CancellationToken ct) =>
                (await tokens.CreateAsync(UserId(access), body.Name, body.Scope, body.ExpiresInDays, ct)).ToHttp(t =>
                    TypedResults.Created($"/api/v1/me/tokens/{t.Id}", new CreatedTokenResponse(t.Id, t.Token, t.Name, Scope(t.Scope), t.ExpiresAt))))
            .WithSummary("Create a personal API token (scope read or write, 1-365 days, default 90); the token is shown this once.");

        me.MapDelete("/tokens/{id:guid}", async (Guid id, CurrentAccess access, ApiTokenService tokens, CancellationToken ct) =>
                (await tokens.RevokeAsync(UserId(access), id, ct)).ToHttp(_ => TypedResults.NoContent()))
            .WithSummary("Revoke one of the caller's tokens; it stops working at once.");
    }

    // The SignedIn policy guarantees a user; a principal without an id is a bug, not an expected failure.
    private static Guid UserId(CurrentAccess access) =>
        access.Scope.UserId ?? throw new InvalidOperationException("A signed-in caller without a user id.");

    private static string Scope(ApiTokenScope scope) => scope == ApiTokenScope.Read ? "read" : "write";

    public sealed record ConfirmRequest(string? Code);

    public sealed record DisableRequest(string? Code, string? Password);

    public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

    public sealed record CreateTokenRequest(string? Name, string? Scope, int? ExpiresInDays);

    public sealed record CreatedTokenResponse(Guid Id, string Token, string Name, string Scope, DateTimeOffset ExpiresAt);

    public sealed record TokenResponse(
        Guid Id, string Name, string Scope, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
        DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
    {
        public static TokenResponse From(ApiTokenInfo t) =>
            new(t.Id, t.Name, MeSecurityApi.Scope(t.Scope), t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt);
    }
}
