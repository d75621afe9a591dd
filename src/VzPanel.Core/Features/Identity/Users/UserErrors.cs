using Microsoft.AspNetCore.Identity;
using VzPanel.Core.Common;

namespace VzPanel.Core.Features.Identity.Users;

/// <summary>The expected failures of the user service, each with the <c>code</c> the API answers with.</summary>
public static class UserErrors
{
    public const string LastAdminCode = "last_admin";
    public const string TenantRequiredCode = "tenant_required";
    public const string TenantNotAllowedCode = "tenant_not_allowed";
    public const string UnknownTenantCode = "unknown_tenant";
    public const string UserNameTakenCode = "user_name_taken";
    public const string WeakPasswordCode = "weak_password";
    public const string WrongPasswordCode = "wrong_password";
    public const string LinkUnusableCode = "link_unusable";

    /// <summary>One message for an expired and a used link: the page cannot tell which, and need not.</summary>
    public const string LinkUnusableMessage = "This link has expired or was already used. Ask an admin for a new one.";

    public static Error LastAdmin(string what) =>
        new(LastAdminCode, $"'{what}' is the last admin who can sign in; make another account an admin first.");

    public static Error TenantRequired() =>
        new(TenantRequiredCode, "A customer account needs a tenant: choose the customer it acts for.", Field("tenantId", "Choose the customer this account acts for."));

    public static Error TenantNotAllowed(PanelRole role) =>
        new(TenantNotAllowedCode, $"{role} accounts are staff and see every customer; leave the tenant empty.", Field("tenantId", "Staff accounts have no tenant."));

    public static Error UnknownTenant(Guid id) =>
        new(UnknownTenantCode, $"There is no customer (tenant) {id}.", Field("tenantId", $"There is no customer (tenant) {id}."));

    public static Error UserNameTaken(string userName) =>
        new(UserNameTakenCode, $"The user name '{userName}' is taken; choose another.");

    public static Error LinkUnusable() => new(LinkUnusableCode, LinkUnusableMessage);

    public static Error WrongPassword() =>
        new(WrongPasswordCode, "The current password is not right.", Field("currentPassword", "The current password is not right."));

    /// <summary>Identity's own reasons (too short, needs a digit …), one per line, under the password field.</summary>
    public static Error WeakPassword(IEnumerable<IdentityError> errors, string field = "password")
    {
        var reasons = errors.Select(e => e.Description).ToArray();
        return new(WeakPasswordCode, "The password is too weak: " + string.Join(" ", reasons), new Dictionary<string, string[]> { [field] = reasons });
    }

    private static Dictionary<string, string[]> Field(string name, string message) => new() { [name] = [message] };
}
