using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity.Tokens;

namespace VzPanel.Core.Features.Identity.Users;

/// <summary>
/// One-time set-password links: issued for a new account (welcome) or by an admin (reset), redeemed on the
/// set-password page without signing in. The link carries a 32-byte random secret; only its SHA-256 is stored, so a
/// copy of the database opens no account. A new link for a user retires the older ones.
/// </summary>
public sealed class PasswordLinks(
    IDbContextFactory<VzPanelDbContext> dbFactory, UserManager<PanelUser> users, AuditLog audit, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(72);

    /// <summary>Issues a link for <paramref name="userId"/>; the caller audits why.</summary>
    internal async Task<IssuedPasswordLink> IssueAsync(Guid userId, SetPasswordPurpose purpose, CancellationToken ct)
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Older unused links stop working: only the link the admin handed out last opens the account.
        await db.SetPasswordLinks.Where(l => l.UserId == userId && l.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), ct);
        db.SetPasswordLinks.Add(new SetPasswordLink
        {
            UserId = userId, SecretHash = SHA256.HashData(secret), Purpose = purpose, CreatedAt = now, ExpiresAt = now + Lifetime,
        });
        await db.SaveChangesAsync(ct);
        return new IssuedPasswordLink(Base64Url.EncodeToString(secret), now + Lifetime);
    }

    /// <summary>Whether <paramref name="token"/> would still set a password (the page says so before asking for one).</summary>
    public async Task<bool> IsUsableAsync(string? token, CancellationToken ct) => await FindUsableAsync(token, ct) is not null;

    /// <summary>Sets the password of the link's user and uses the link up; returns the user name to sign in with.</summary>
    public async Task<Result<string>> SetPasswordAsync(string? token, string? newPassword, CancellationToken ct)
    {
        var link = await FindUsableAsync(token, ct);
        var user = link is null ? null : await users.FindByIdAsync(link.UserId.ToString());
        if (link is null || user is null) return await RefusedAsync(ct);

        var weak = await PasswordRules.CheckAsync(users, user, newPassword, "newPassword");
        if (weak is not null) return weak;

        // Claimed in one statement before the password changes: two tabs posting the same link cannot both use it.
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var claimed = await db.SetPasswordLinks.Where(l => l.Id == link.Id && l.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, clock.GetUtcNow()), ct);
            if (claimed == 0) return await RefusedAsync(ct);
        }

        // Removing and adding the password both renew the security stamp, which ends the account's other sessions.
        if (await users.HasPasswordAsync(user)) PasswordRules.Check(await users.RemovePasswordAsync(user));
        PasswordRules.Check(await users.AddPasswordAsync(user, newPassword!));
        await users.ResetAccessFailedCountAsync(user);
        await audit.RecordAsync(new AuditEntry("user.password-set",
            $"'{user.UserName}' chose a password with a {(link.Purpose == SetPasswordPurpose.Welcome ? "welcome" : "reset")} link.")
        {
            Actor = user.UserName, ActorId = user.Id, TenantId = user.TenantId, TargetType = "user", TargetId = user.Id.ToString(),
        }, ct);
        return user.UserName!;
    }

    private async Task<Error> RefusedAsync(CancellationToken ct)
    {
        await audit.RecordAsync(new AuditEntry("user.password-link-refused", "A set-password link was refused: expired, used or unknown."), ct);
        return UserErrors.LinkUnusable();
    }

    private async Task<SetPasswordLink?> FindUsableAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 64) return null;
        var secret = new byte[32];
        if (!Base64Url.IsValid(token) || !Base64Url.TryDecodeFromChars(token, secret, out var written) || written != 32) return null;
        var hash = SHA256.HashData(secret);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var link = await db.SetPasswordLinks.AsNoTracking().SingleOrDefaultAsync(l => l.SecretHash == hash, ct);
        return link is not null && link.IsUsableAt(clock.GetUtcNow()) ? link : null;
    }
}
