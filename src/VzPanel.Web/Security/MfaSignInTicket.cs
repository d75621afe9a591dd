using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace VzPanel.Web.Security;

/// <summary>
/// Carries "the password was right" from the sign-in page's first step to its code step, in a hidden field: encrypted
/// and signed with the panel's keys, and worth nothing after five minutes. It signs nobody in by itself.
/// </summary>
public static class MfaSignInTicket
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private const string Purpose = "VzPanel.SignIn.MfaTicket.v1";

    public static string Issue(IDataProtectionProvider protection, Guid userId, bool rememberMe) =>
        Protector(protection).Protect($"{userId:N}|{(rememberMe ? 1 : 0)}", Lifetime);

    /// <summary>The user and remember-me choice, unless the ticket is missing, forged or expired.</summary>
    public static bool TryRead(IDataProtectionProvider protection, string? ticket, out Guid userId, out bool rememberMe)
    {
        userId = Guid.Empty;
        rememberMe = false;
        if (string.IsNullOrEmpty(ticket)) return false;
        string text;
        try { text = Protector(protection).Unprotect(ticket, out _); }
        catch (CryptographicException) { return false; }
        var parts = text.Split('|');
        if (parts.Length != 2 || !Guid.TryParseExact(parts[0], "N", out userId)) return false;
        rememberMe = parts[1] == 1.ToString(CultureInfo.InvariantCulture);
        return true;
    }

    private static ITimeLimitedDataProtector Protector(IDataProtectionProvider protection) =>
        protection.CreateProtector(Purpose).ToTimeLimitedDataProtector();
}
