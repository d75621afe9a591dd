using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity.Tokens;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Identity.Users;

public interface IUserCommands
{
    Task<Result<CreatedUser>> CreateAsync(CreateUserRequest request, CancellationToken ct);
    Task<Result<UserView>> UpdateAsync(Guid id, UpdateUserRequest request, CancellationToken ct);
    Task<Result<UserView>> LockAsync(Guid id, CancellationToken ct);
    Task<Result<UserView>> UnlockAsync(Guid id, CancellationToken ct);
    Task<Result<Guid>> DeleteAsync(Guid id, CancellationToken ct);

    /// <summary>A new one-time link with which the user chooses a new password; the old password works until then.</summary>
    Task<Result<IssuedPasswordLink>> IssueResetLinkAsync(Guid id, CancellationToken ct);

    /// <summary>The caller's own password (any role). Renews the security stamp, which ends the caller's other sessions.</summary>
    Task<Result<UserView>> ChangeOwnPasswordAsync(string? currentPassword, string? newPassword, CancellationToken ct);
}

/// <summary>
/// Admins manage accounts over ASP.NET Core Identity. Account rows are outside the data layer's inventory write rules,
/// so who may change them is checked here: admins (and the system) only, and never so that no admin can sign in.
/// </summary>
internal sealed class UserCommands(
    UserManager<PanelUser> users, IDbContextFactory<VzPanelDbContext> dbFactory, UserQueries queries, PasswordLinks links,
    CurrentAccess access, AuditLog audit, TimeProvider clock) : IUserCommands
{
    /// <summary>The lockout end an admin's lock sets: "until unlocked" (Identity has no such value of its own).</summary>
    public static readonly DateTimeOffset LockedByAdmin = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task<Result<CreatedUser>> CreateAsync(CreateUserRequest request, CancellationToken ct)
    {
        if (await AdminOnlyAsync("create an account", ct) is { } denied) return denied;
        var userName = request.UserName?.Trim();
        if (string.IsNullOrEmpty(userName)) return Error.Validation("userName", "Enter a user name.");
        if (request.Role is not { } role) return Error.Validation("role", "Choose a role: Admin, Support or Customer.");
        if (await CheckDetailsAsync(request.Email, request.DisplayName, role, request.TenantId, ct) is { } invalid) return invalid;
        if (await users.FindByNameAsync(userName) is not null) return UserErrors.UserNameTaken(userName);

        var user = new PanelUser
        {
            UserName = userName, Email = Blank(request.Email), DisplayName = Blank(request.DisplayName),
            TenantId = role == PanelRole.Customer ? request.TenantId : null, CreatedAt = clock.GetUtcNow(),
        };
        if (request.Password is not null && await PasswordRules.CheckAsync(users, user, request.Password) is { } weak) return weak;

        var created = request.Password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, request.Password);
        if (!created.Succeeded) return IdentityFailure(created, userName);
        PasswordRules.Check(await users.AddToRoleAsync(user, role.ToString()));
        var link = request.Password is null ? await links.IssueAsync(user.Id, SetPasswordPurpose.Welcome, ct) : null;

        await RecordAsync(user, "user.create", $"Created the {role} account '{userName}'"
            + (link is null ? " with a password." : " with a set-password link."), ct);
        return new CreatedUser(await ViewAsync(user.Id, ct), link);
    }

    public async Task<Result<UserView>> UpdateAsync(Guid id, UpdateUserRequest request, CancellationToken ct)
    {
        if (await AdminOnlyAsync("change an account", ct) is { } denied) return denied;
        if (await users.FindByIdAsync(id.ToString()) is not { } user) return Error.NotFound("User");

        var currentRole = await RoleOfAsync(user);
        var role = request.Role ?? currentRole ?? PanelRole.Customer;
        var tenantId = TenantAfter(user, request, role);
        if (await CheckDetailsAsync(request.Email, request.DisplayName, role, tenantId, ct) is { } invalid) return invalid;
        if (currentRole == PanelRole.Admin && role != PanelRole.Admin && await IsLastActiveAdminAsync(user))
            return await LastAdminAsync(user, "demote", ct);

        var changes = new List<string>();
        var accessChanged = role != currentRole || tenantId != user.TenantId;
        if (request.Email is not null && Blank(request.Email) != user.Email) { user.Email = Blank(request.Email); changes.Add("e-mail"); }
        if (request.DisplayName is not null && Blank(request.DisplayName) != user.DisplayName) { user.DisplayName = Blank(request.DisplayName); changes.Add("display name"); }
        if (tenantId != user.TenantId) { user.TenantId = tenantId; changes.Add("tenant"); }
        if (role != currentRole)
        {
            if (currentRole is not null) PasswordRules.Check(await users.RemoveFromRoleAsync(user, currentRole.Value.ToString()));
            PasswordRules.Check(await users.AddToRoleAsync(user, role.ToString()));
            changes.Add($"role {currentRole?.ToString() ?? "none"} → {role}");
        }
        if (changes.Count == 0) return await ViewAsync(id, ct);

        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded) return IdentityFailure(updated, user.UserName!);
        // Role and tenant travel in the sign-in cookie: a new stamp makes open sessions sign in again with the new ones.
        if (accessChanged) PasswordRules.Check(await users.UpdateSecurityStampAsync(user));
        await RecordAsync(user, "user.update", $"Changed the {string.Join(", ", changes)} of '{user.UserName}'.", ct);
        return await ViewAsync(id, ct);
    }

    public async Task<Result<UserView>> LockAsync(Guid id, CancellationToken ct)
    {
        if (await AdminOnlyAsync("lock an account", ct) is { } denied) return denied;
        if (await users.FindByIdAsync(id.ToString()) is not { } user) return Error.NotFound("User");
        if (await IsLastActiveAdminAsync(user)) return await LastAdminAsync(user, "lock", ct);

        PasswordRules.Check(await users.SetLockoutEnabledAsync(user, true));
        PasswordRules.Check(await users.SetLockoutEndDateAsync(user, LockedByAdmin));
        PasswordRules.Check(await users.UpdateSecurityStampAsync(user));   // open sessions end at their next check
        await EndSessionsAsync(user.Id, ct);
        await RecordAsync(user, "user.lock", $"Locked '{user.UserName}' until an admin unlocks it.", ct);
        return await ViewAsync(id, ct);
    }

    public async Task<Result<UserView>> UnlockAsync(Guid id, CancellationToken ct)
    {
        if (await AdminOnlyAsync("unlock an account", ct) is { } denied) return denied;
        if (await users.FindByIdAsync(id.ToString()) is not { } user) return Error.NotFound("User");

        PasswordRules.Check(await users.SetLockoutEndDateAsync(user, null));
        PasswordRules.Check(await users.ResetAccessFailedCountAsync(user));
        await RecordAsync(user, "user.unlock", $"Unlocked '{user.UserName}'.", ct);
        return await ViewAsync(id, ct);
    }

    public async Task<Result<Guid>> DeleteAsync(Guid id, CancellationToken ct)
    {
        if (await AdminOnlyAsync("delete an account", ct) is { } denied) return denied;
        if (await users.FindByIdAsync(id.ToString()) is not { } user) return Error.NotFound("User");
        if (await IsLastActiveAdminAsync(user)) return await LastAdminAsync(user, "delete", ct);

        var role = await RoleOfAsync(user);
        PasswordRules.Check(await users.DeleteAsync(user));   // its tokens, links, codes and sessions go with it (cascade)
        await RecordAsync(user, "user.delete", $"Deleted the {role?.ToString() ?? ""} account '{user.UserName}'.".Replace("  ", " ", StringComparison.Ordinal), ct);
        return id;
    }

    public async Task<Result<IssuedPasswordLink>> IssueResetLinkAsync(Guid id, CancellationToken ct)
    {
        if (await AdminOnlyAsync("issue a password reset link", ct) is { } denied) return denied;
        if (await users.FindByIdAsync(id.ToString()) is not { } user) return Error.NotFound("User");

        var link = await links.IssueAsync(user.Id, SetPasswordPurpose.Reset, ct);
        await RecordAsync(user, "user.password-reset-link", $"Issued a password reset link for '{user.UserName}' (valid until {link.ExpiresAt:u}).", ct);
        return link;
    }

    public async Task<Result<UserView>> ChangeOwnPasswordAsync(string? currentPassword, string? newPassword, CancellationToken ct)
    {
        if (access.Scope.UserId is not { } id || await users.FindByIdAsync(id.ToString()) is not { } user)
            return Error.Forbidden("Sign in to change your password.");
        if (string.IsNullOrEmpty(currentPassword)) return Error.Validation("currentPassword", "Enter your current password.");
        if (await PasswordRules.CheckAsync(users, user, newPassword, "newPassword") is { } weak) return weak;

        var changed = await users.ChangePasswordAsync(user, currentPassword, newPassword!);
        if (!changed.Succeeded)
        {
            if (changed.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
            {
                await RecordAsync(user, "user.password-change-refused", $"'{user.UserName}' gave a wrong current password when changing it.", ct);
                return UserErrors.WrongPassword();
            }
            return UserErrors.WeakPassword(changed.Errors, "newPassword");
        }
        await RecordAsync(user, "user.password-change", $"'{user.UserName}' changed their password.", ct);
        return await ViewAsync(id, ct);
    }

    /// <summary>A customer keeps its tenant unless given another; a new staff role drops it (one given is refused).</summary>
    private static Guid? TenantAfter(PanelUser user, UpdateUserRequest request, PanelRole role) =>
        role == PanelRole.Customer || request.Role is null ? request.TenantId ?? user.TenantId : request.TenantId;

    /// <summary>E-mail, display name and the role's tenant rule; the tenant must exist.</summary>
    private async Task<Error?> CheckDetailsAsync(string? email, string? displayName, PanelRole role, Guid? tenantId, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(email) && !MailAddress.TryCreate(email.Trim(), out _))
            return Error.Validation("email", $"'{email}' is not an e-mail address.");
        if (displayName?.Trim().Length > 100) return Error.Validation("displayName", "A display name has at most 100 characters.");
        if (!Enum.IsDefined(role)) return Error.Validation("role", "Choose a role: Admin, Support or Customer.");
        if (role == PanelRole.Customer && tenantId is null) return UserErrors.TenantRequired();
        if (role != PanelRole.Customer && tenantId is not null) return UserErrors.TenantNotAllowed(role);
        if (tenantId is { } tenant)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (!await db.Tenants.AnyAsync(t => t.Id == tenant, ct)) return UserErrors.UnknownTenant(tenant);
        }
        return null;
    }

    /// <summary>Whether <paramref name="user"/> is the only admin who can sign in now (locked admins do not count).</summary>
    private async Task<bool> IsLastActiveAdminAsync(PanelUser user)
    {
        if (!await users.IsInRoleAsync(user, nameof(PanelRole.Admin)) || IsLocked(user)) return false;
        var admins = await users.GetUsersInRoleAsync(nameof(PanelRole.Admin));
        return !admins.Any(a => a.Id != user.Id && !IsLocked(a));
    }

    private bool IsLocked(PanelUser user) => user.LockoutEnd > clock.GetUtcNow();

    private async Task<Error> LastAdminAsync(PanelUser user, string verb, CancellationToken ct)
    {
        await RecordAsync(user, "user.denied", $"Refused to {verb} '{user.UserName}': the last admin who can sign in.", ct);
        return UserErrors.LastAdmin(user.UserName!);
    }

    private async Task<Error?> AdminOnlyAsync(string what, CancellationToken ct)
    {
        var scope = access.Scope;
        if (scope.IsSystem || scope.Role == PanelRole.Admin) return null;
        await audit.RecordAsync(new AuditEntry("user.denied", $"Refused to {what}: only admins manage accounts.") { TargetType = "user" }, ct);
        return Error.Forbidden(scope.Role == PanelRole.Support ? "Support accounts are read-only." : "Only admins manage accounts.");
    }

    private async Task<PanelRole?> RoleOfAsync(PanelUser user)
    {
        var names = await users.GetRolesAsync(user);
        foreach (var role in (PanelRole[])[PanelRole.Admin, PanelRole.Support, PanelRole.Customer])
            if (names.Contains(role.ToString())) return role;
        return null;
    }

    private async Task EndSessionsAsync(Guid userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        await db.UserSessions.Where(s => s.UserId == userId && s.EndedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), ct);
    }

    private async Task<UserView> ViewAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await queries.ViewsAsync(db, db.Users.Where(u => u.Id == id), ct)).Single();
    }

    private Task RecordAsync(PanelUser user, string action, string summary, CancellationToken ct) =>
        audit.RecordAsync(new AuditEntry(action, summary) { TargetType = "user", TargetId = user.Id.ToString(), TenantId = user.TenantId ?? access.Scope.TenantId }, ct);

    private static Error IdentityFailure(IdentityResult result, string userName)
    {
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName))) return UserErrors.UserNameTaken(userName);
        if (result.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal))) return UserErrors.WeakPassword(result.Errors);
        var field = result.Errors.Any(e => e.Code.Contains("Email", StringComparison.Ordinal)) ? "email" : "userName";
        return Error.Validation(field, string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
