using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;

namespace VzPanel.Core.Features.Identity.Tokens;

/// <summary>
/// Personal API tokens: <c>vzp_&lt;prefix&gt;_&lt;secret&gt;</c>. The prefix (8 characters, stored in clear, unique) finds
/// the row; only the SHA-256 of the 32-byte secret is kept and compared in constant time. Shown once, at creation.
/// </summary>
public sealed class ApiTokenService(IDbContextFactory<VzPanelDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    public const string TokenPrefix = "vzp_";
    public const int DefaultLifetimeDays = 90;
    public const int MaxLifetimeDays = 365;
    public const int MaxLiveTokensPerUser = 50;
    private const string PrefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>LastUsedAt is written at most this often per token: one row update per request would be wasteful.</summary>
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    public async Task<Result<CreatedApiToken>> CreateAsync(Guid userId, string? name, string? scope, int? expiresInDays, CancellationToken ct)
    {
        var fields = new Dictionary<string, string[]>();
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) fields["name"] = ["Give the token a name of 1 to 100 characters, e.g. the script that uses it."];
        ApiTokenScope parsedScope = default;
        if (scope is null || !TryParseScope(scope, out parsedScope)) fields["scope"] = ["The scope must be 'read' or 'write'."];
        var days = expiresInDays ?? DefaultLifetimeDays;
        if (days is < 1 or > MaxLifetimeDays) fields["expiresInDays"] = [$"A token lives 1 to {MaxLifetimeDays} days."];
        if (fields.Count > 0) return Error.Validation(fields);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Error.NotFound("The user");
        var now = clock.GetUtcNow();
        if (await db.ApiTokens.CountAsync(t => t.UserId == userId && t.RevokedAt == null && t.ExpiresAt > now, ct) >= MaxLiveTokensPerUser)
            return Error.Conflict($"You have {MaxLiveTokensPerUser} live tokens; revoke one you no longer use first.");

        var prefix = new string(RandomNumberGenerator.GetItems<char>(PrefixAlphabet, 8));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken
        {
            UserId = userId,
            Name = name!,
            Scope = parsedScope,
            Prefix = prefix,
            SecretHash = Hash(secret),
            CreatedAt = now,
            ExpiresAt = now.AddDays(days),
        };
        db.ApiTokens.Add(token);
        audit.Add(db, Entry(user, token, "token.create", $"Created the {Describe(token.Scope)} API token '{token.Name}', valid until {token.ExpiresAt:yyyy-MM-dd}."));
        await db.SaveChangesAsync(ct);
        return new CreatedApiToken(token.Id, $"{TokenPrefix}{prefix}_{secret}", token.Name, token.Scope, token.ExpiresAt);
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(Guid userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApiTokens.AsNoTracking()
            .Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => new ApiTokenInfo(t.Id, t.Name, t.Scope, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt))
            .ToListAsync(ct);
    }

    /// <summary>Revokes one of the user's own tokens; another user's token is "not found", never "forbidden".</summary>
    public async Task<Result<bool>> RevokeAsync(Guid userId, Guid tokenId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, ct);
        if (token is null) return Error.NotFound("The token");
        if (token.RevokedAt is not null) return true;
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
        token.RevokedAt = clock.GetUtcNow();
        audit.Add(db, Entry(user, token, "token.revoke", $"Revoked the API token '{token.Name}'."));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// The token behind <paramref name="presented"/> when it is well formed, known, unrevoked and unexpired; null otherwise
    /// (the caller answers all of these with one message). Records the use.
    /// </summary>
    public async Task<ApiTokenUse?> AuthenticateAsync(string presented, CancellationToken ct)
    {
        if (!TrySplit(presented, out var prefix, out var secret)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Prefix == prefix, ct);
        if (token is null || !CryptographicOperations.FixedTimeEquals(token.SecretHash, Hash(secret))) return null;
        var now = clock.GetUtcNow();
        if (!token.IsUsableAt(now)) return null;

        // The conditional update decides the "first use today" exactly once, whichever request gets there first.
        var startOfDay = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var firstToday = (token.LastUsedAt is null || token.LastUsedAt < startOfDay) && await db.ApiTokens
            .Where(t => t.Id == token.Id && (t.LastUsedAt == null || t.LastUsedAt < startOfDay))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct) == 1;
        if (!firstToday && (token.LastUsedAt is null || now - token.LastUsedAt >= LastUseResolution))
        {
            await db.ApiTokens.Where(t => t.Id == token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
        return new ApiTokenUse(token.Id, token.UserId, token.Name, token.Scope, firstToday);
    }

    /// <summary>Whether the text has the shape of a panel token (the handler only looks at those).</summary>
    public static bool LooksLikeToken(string text) => text.StartsWith(TokenPrefix, StringComparison.Ordinal);

    public static bool TryParseScope(string text, out ApiTokenScope scope) =>
        Enum.TryParse(text, ignoreCase: true, out scope) && Enum.IsDefined(scope) && !text.Any(char.IsDigit);

    private static bool TrySplit(string presented, out string prefix, out string secret)
    {
        prefix = secret = "";
        if (!LooksLikeToken(presented) || presented.Length > 128) return false;
        var rest = presented[TokenPrefix.Length..];
        var cut = rest.IndexOf('_');
        if (cut != 8) return false;
        prefix = rest[..cut];
        secret = rest[(cut + 1)..];
        return secret.Length >= 32;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Describe(ApiTokenScope scope) => scope == ApiTokenScope.Read ? "read-only" : "read-write";

    private static AuditEntry Entry(PanelUser user, ApiToken token, string action, string summary) => new(action, summary)
    {
        Actor = user.UserName,
        ActorId = user.Id,
        TenantId = user.TenantId,
        TargetType = "api-token",
        TargetId = token.Id.ToString(),
    };
}

/// <summary>The one time the whole token is visible.</summary>
public sealed record CreatedApiToken(Guid Id, string Token, string Name, ApiTokenScope Scope, DateTimeOffset ExpiresAt);

public sealed record ApiTokenInfo(
    Guid Id, string Name, ApiTokenScope Scope, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public sealed record ApiTokenUse(Guid TokenId, Guid UserId, string Name, ApiTokenScope Scope, bool FirstUseToday);

/// <summary>Claims a token sign-in adds to the user's usual ones.</summary>
public static class ApiTokenClaims
{
    public const string TokenId = "vzpanel:token";
    public const string Scope = "vzpanel:token-scope";
    public const string ReadScope = "read";
}
