using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using VzPanel.Core.Features.Audit;

namespace VzPanel.Core.Features.Identity;

/// <summary>Makes sure the roles exist and, on a fresh database, creates the first admin.</summary>
public sealed class FirstAdminBootstrapper(
    UserManager<PanelUser> users, RoleManager<IdentityRole<Guid>> roles, AuditLog audit, TimeProvider clock)
{
    public const string AdminUserName = "admin";
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", Lower = "abcdefghijkmnopqrstuvwxyz", Digits = "23456789";
    private static readonly SearchValues<char> UpperSet = SearchValues.Create(Upper);
    private static readonly SearchValues<char> LowerSet = SearchValues.Create(Lower);
    private static readonly SearchValues<char> DigitSet = SearchValues.Create(Digits);

    /// <summary>The new admin's credentials, or null when an admin already exists.</summary>
    public async Task<FirstAdmin?> EnsureAsync(CancellationToken ct)
    {
        foreach (var role in Enum.GetNames<PanelRole>())
        {
            if (!await roles.RoleExistsAsync(role)) Check(await roles.CreateAsync(new IdentityRole<Guid>(role) { Id = Guid.CreateVersion7() }));
        }
        if ((await users.GetUsersInRoleAsync(nameof(PanelRole.Admin))).Count > 0) return null;

        var password = GeneratePassword();
        var admin = new PanelUser { UserName = AdminUserName, DisplayName = "Administrator", CreatedAt = clock.GetUtcNow() };
        Check(await users.CreateAsync(admin, password));
        Check(await users.AddToRoleAsync(admin, nameof(PanelRole.Admin)));
        await audit.RecordAsync(new AuditEntry("user.create", $"Created the first admin account '{AdminUserName}'.")
        {
            TargetType = "user",
            TargetId = admin.Id.ToString(),
        }, ct);
        return new FirstAdmin(AdminUserName, password);
    }

    /// <summary>Gives the first admin a new password and lifts any lockout: the way back in for an operator.</summary>
    public async Task<FirstAdmin> ResetPasswordAsync(CancellationToken ct)
    {
        var admin = await users.FindByNameAsync(AdminUserName);
        if (admin is null) return await EnsureAsync(ct) ?? throw new InvalidOperationException($"No '{AdminUserName}' account exists.");

        var password = GeneratePassword();
        Check(await users.RemovePasswordAsync(admin));
        Check(await users.AddPasswordAsync(admin, password));
        Check(await users.SetLockoutEndDateAsync(admin, null));
        Check(await users.ResetAccessFailedCountAsync(admin));
        await audit.RecordAsync(new AuditEntry("user.reset-password", $"Reset the password of '{AdminUserName}' from the server console.")
        {
            TargetType = "user",
            TargetId = admin.Id.ToString(),
        }, ct);
        return new FirstAdmin(AdminUserName, password);
    }

    /// <summary>Four groups of five from an alphabet without look-alikes (0/O, 1/l/I), e.g. <c>Xk7mP-q2rTa-…</c>.</summary>
    public static string GeneratePassword()
    {
        while (true)
        {
            var s = new string(RandomNumberGenerator.GetItems<char>(Upper + Lower + Digits, 20));
            if (s.AsSpan().ContainsAny(UpperSet) && s.AsSpan().ContainsAny(LowerSet) && s.AsSpan().ContainsAny(DigitSet))
                return string.Join('-', s.Chunk(5).Select(c => new string(c)));
        }
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("Could not create the first admin: " + string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}

/// <summary>Shown once, on the console, when the panel first starts.</summary>
public sealed record FirstAdmin(string UserName, string Password);
