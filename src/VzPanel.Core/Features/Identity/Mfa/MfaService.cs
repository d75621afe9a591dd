using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OtpNet;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;

namespace VzPanel.Core.Features.Identity.Mfa;

/// <summary>
/// TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with one-time recovery codes. Every call loads the user in a fresh context and
/// writes with a new concurrency stamp, so a Blazor circuit's long-lived UserManager never overwrites these fields with a
/// stale copy, and two requests racing with one code cannot both win.
/// </summary>
public sealed class MfaService(
    IDbContextFactory<VzPanelDbContext> dbFactory,
    IDataProtectionProvider protection,
    IPasswordHasher<PanelUser> passwords,
    IOptions<IdentityOptions> identity,
    AuditLog audit,
    TimeProvider clock)
{
    public const string Issuer = "VzPanel";
    public const int RecoveryCodeCount = 10;
    public const string CodeInvalid = "mfa_code_invalid";
    private const string ProtectorPurpose = "VzPanel.Mfa.TotpSecret.v1";
    private const string RecoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";   // no 0/o, 1/l/i look-alikes

    private IDataProtector Protector => protection.CreateProtector(ProtectorPurpose);

    public async Task<MfaStatus> GetStatusAsync(Guid userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return new MfaStatus(false, null, false, 0);
        var left = await db.RecoveryCodes.CountAsync(c => c.UserId == userId && c.UsedAt == null, ct);
        return new MfaStatus(user.MfaEnabled, user.MfaEnabledAt, !user.MfaEnabled && user.TotpSecretProtected is not null, left);
    }

    /// <summary>A new secret for an authenticator app; replaces a half-finished setup. MFA must be off.</summary>
    public async Task<Result<TotpSetup>> StartSetupAsync(Guid userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Error.NotFound("The user");
        if (user.MfaEnabled) return Error.Conflict("Two-factor sign-in is already on. Turn it off first to set up a new authenticator.");

        var secret = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20)).TrimEnd('=');
        user.TotpSecretProtected = Protector.Protect(secret);
        user.LastTotpTimeStep = null;
        Touch(user);
        audit.Add(db, Entry(user, "mfa.setup-started", "Started setting up two-factor sign-in."));
        await db.SaveChangesAsync(ct);
        return new TotpSetup(secret, OtpAuthUri(user.UserName ?? user.Id.ToString(), secret));
    }

    /// <summary>Turns MFA on with a code from the new authenticator; returns the ten recovery codes, shown this once.</summary>
    public async Task<Result<IReadOnlyList<string>>> ConfirmAsync(Guid userId, string? code, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Error.NotFound("The user");
        if (user.MfaEnabled) return Error.Conflict("Two-factor sign-in is already on.");
        if (user.TotpSecretProtected is null)
            return new Error("mfa_not_started", "Start the setup first: the panel has no authenticator secret for you yet.");
        if (MatchTotp(user, code) is not { } step)
        {
            audit.Add(db, Entry(user, "auth.mfa-failed", "Two-factor setup refused: wrong code."));
            await db.SaveChangesAsync(ct);
            return new Error(CodeInvalid, "That code is not right. Check the time on your device and enter the current code.");
        }

        var now = clock.GetUtcNow();
        user.LastTotpTimeStep = step;
        user.MfaEnabledAt = now;
        Touch(user);
        await db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
        var codes = Enumerable.Range(0, RecoveryCodeCount).Select(_ => NewRecoveryCode()).ToList();
        db.RecoveryCodes.AddRange(codes.Select(c => new RecoveryCode { UserId = userId, CodeHash = HashRecoveryCode(c), CreatedAt = now }));
        audit.Add(db, Entry(user, "mfa.enabled", "Turned on two-factor sign-in."));
        await db.SaveChangesAsync(ct);
        return codes;
    }

    /// <summary>Turns MFA off; the caller proves it is them with a current code, a recovery code or the password.</summary>
    public async Task<Result<bool>> DisableAsync(Guid userId, string? code, string? password, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Error.NotFound("The user");
        if (!user.MfaEnabled && user.TotpSecretProtected is null) return false;   // already off: nothing to do

        var proven = (!string.IsNullOrWhiteSpace(password) && user.PasswordHash is not null
                && passwords.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed)
            || (!string.IsNullOrWhiteSpace(code) && (MatchTotp(user, code) is not null || await SpendRecoveryCodeAsync(db, userId, code, ct)));
        if (!proven)
        {
            CountFailure(user);
            audit.Add(db, Entry(user, "auth.mfa-failed", "Turning off two-factor sign-in refused: wrong code or password."));
            await db.SaveChangesAsync(ct);
            return new Error(CodeInvalid, "Enter a current code from your authenticator, a recovery code or your password to turn it off.");
        }

        user.TotpSecretProtected = null;
        user.MfaEnabledAt = null;
        user.LastTotpTimeStep = null;
        Touch(user);
        await db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
        audit.Add(db, Entry(user, "mfa.disabled", "Turned off two-factor sign-in."));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// The second step of a sign-in: a TOTP code (each time step once) or an unused recovery code. A wrong code counts
    /// towards the lockout like a wrong password and is audited; a right one resets the failure count.
    /// </summary>
    public async Task<MfaCheck> VerifySignInAsync(Guid userId, string? code, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null || !user.MfaEnabled) return MfaCheck.Invalid;
        if (user.LockoutEnd is { } end && end > clock.GetUtcNow()) return MfaCheck.LockedOut;

        var how = MfaCheck.Invalid;
        if (MatchTotp(user, code) is { } step)
        {
            user.LastTotpTimeStep = step;
            how = MfaCheck.Totp;
        }
        else if (await SpendRecoveryCodeAsync(db, userId, code, ct))
        {
            how = MfaCheck.RecoveryCode;
        }

        if (how == MfaCheck.Invalid)
        {
            var locked = CountFailure(user);
            audit.Add(db, Entry(user, "auth.mfa-failed", locked
                ? "Sign-in refused: wrong two-factor code; the account is now locked."
                : "Sign-in refused: wrong two-factor code."));
            await db.SaveChangesAsync(ct);
            return locked ? MfaCheck.LockedOut : MfaCheck.Invalid;
        }

        user.AccessFailedCount = 0;
        Touch(user);
        if (how == MfaCheck.RecoveryCode)
            audit.Add(db, Entry(user, "mfa.recovery-code-used", "Signed in with a recovery code."));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return MfaCheck.Invalid;   // another request used this user's code at the same moment: only one wins
        }
        return how;
    }

    public static string OtpAuthUri(string userName, string secret) =>
        $"otpauth://totp/{Issuer}:{Uri.EscapeDataString(userName)}?secret={secret}&issuer={Issuer}";

    /// <summary>The time step the code belongs to (±1 step for clock drift), unless it is wrong or that step was used.</summary>
    private long? MatchTotp(PanelUser user, string? code)
    {
        var digits = Normalize(code);
        if (user.TotpSecretProtected is null || digits.Length != 6 || !digits.All(char.IsAsciiDigit)) return null;
        string secret;
        try { secret = Protector.Unprotect(user.TotpSecretProtected); }
        catch (CryptographicException) { return null; }   // keys lost or rotated out: the user sets MFA up again via an admin

        var totp = new Totp(Base32Encoding.ToBytes(secret));
        if (!totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, digits, out var step, VerificationWindow.RfcSpecifiedNetworkDelay)) return null;
        return user.LastTotpTimeStep is { } last && step <= last ? null : step;   // replay of a seen (or older) step
    }

    /// <summary>Marks a recovery code used in one statement, so it works exactly once even under concurrent sign-ins.</summary>
    private async Task<bool> SpendRecoveryCodeAsync(VzPanelDbContext db, Guid userId, string? code, CancellationToken ct)
    {
        var normalized = Normalize(code).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        if (normalized.Length != 10) return false;
        var hash = HashRecoveryCode(normalized);
        var now = clock.GetUtcNow();
        return await db.RecoveryCodes
            .Where(c => c.UserId == userId && c.CodeHash == hash && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct) == 1;
    }

    /// <summary>Identity's lockout rule for a wrong second factor; true when this failure locked the account.</summary>
    private bool CountFailure(PanelUser user)
    {
        var lockout = identity.Value.Lockout;
        user.AccessFailedCount++;
        Touch(user);
        if (!user.LockoutEnabled || user.AccessFailedCount < lockout.MaxFailedAccessAttempts) return false;
        user.LockoutEnd = clock.GetUtcNow().Add(lockout.DefaultLockoutTimeSpan);
        user.AccessFailedCount = 0;
        return true;
    }

    // Identity's own convention: every write changes the stamp, so a stale copy elsewhere fails instead of overwriting.
    private static void Touch(PanelUser user) => user.ConcurrencyStamp = Guid.NewGuid().ToString();

    private static string Normalize(string? code) => (code ?? "").Replace(" ", "", StringComparison.Ordinal).Trim();

    private static string NewRecoveryCode()
    {
        var s = new string(RandomNumberGenerator.GetItems<char>(RecoveryAlphabet, 10));
        return $"{s[..5]}-{s[5..]}";
    }

    private static byte[] HashRecoveryCode(string code) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(code.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant()));

    private static AuditEntry Entry(PanelUser user, string action, string summary) => new(action, summary)
    {
        Actor = user.UserName,
        ActorId = user.Id,
        TenantId = user.TenantId,
        TargetType = "user",
        TargetId = user.Id.ToString(),
    };
}

public sealed record TotpSetup(string Secret, string OtpauthUri);

/// <param name="Pending">A secret was created but not yet confirmed with a code.</param>
public sealed record MfaStatus(bool Enabled, DateTimeOffset? EnabledAt, bool Pending, int RecoveryCodesLeft);

public enum MfaCheck { Invalid, Totp, RecoveryCode, LockedOut }
