using Microsoft.AspNetCore.Identity;
using VzPanel.Core.Common;

namespace VzPanel.Core.Features.Identity.Users;

/// <summary>Identity's password validators, asked before anything changes, so a weak password changes nothing.</summary>
internal static class PasswordRules
{
    public static async Task<Error?> CheckAsync(UserManager<PanelUser> users, PanelUser user, string? password, string field = "password")
    {
        if (string.IsNullOrEmpty(password))
            return UserErrors.WeakPassword([new IdentityError { Code = "PasswordRequired", Description = "Enter a password." }], field);
        var errors = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            if (!result.Succeeded) errors.AddRange(result.Errors);
        }
        return errors.Count > 0 ? UserErrors.WeakPassword(errors, field) : null;
    }

    /// <summary>For Identity calls that only fail on a bug or a lost database: those throw, with Identity's words.</summary>
    public static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("The account change failed: " + string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
