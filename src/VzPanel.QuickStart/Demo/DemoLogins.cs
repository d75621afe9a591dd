using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Identity.Users;

namespace VzPanel.QuickStart.Demo;

/// <summary>One demo login as the banner prints it: what it is for, its user name and its one-time password.</summary>
public sealed record DemoLogin(string Description, string UserName, string Password);

/// <summary>
/// The quick start's other two roles: a customer login for each demo tenant and a support login, created with
/// random passwords on the first start (with the first admin) and printed that once, with the admin's.
/// </summary>
public sealed class DemoLogins
{
    private readonly List<DemoLogin> _created = [];

    /// <summary>The logins created by this start; empty on every later start.</summary>
    public IReadOnlyList<DemoLogin> Created => _created;

    internal void Add(DemoLogin login) => _created.Add(login);
}

/// <summary>Creates the demo logins through the account service (audited as any account), in a system scope.</summary>
public sealed class DemoLoginSeeder(IDbContextFactory<VzPanelDbContext> dbFactory, IUserCommands users, DemoLogins logins, TimeProvider clock)
{
    public async Task CreateAsync(CancellationToken ct)
    {
        Dictionary<string, Guid> tenants;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            tenants = (await DemoTenants.EnsureAsync(db, clock.GetUtcNow(), ct)).ToDictionary(t => t.Key, t => t.Value.Id);

        await CreateAsync(new CreateUserRequest("acme", null, "Acme Hosting (demo)", PanelRole.Customer, tenants[DemoTenants.Acme]),
            $"Customer login of {DemoTenants.Acme}", ct);
        await CreateAsync(new CreateUserRequest("globex", null, "Globex Shop (demo)", PanelRole.Customer, tenants[DemoTenants.Globex]),
            $"Customer login of {DemoTenants.Globex}", ct);
        await CreateAsync(new CreateUserRequest("support", null, "Support (demo)", PanelRole.Support, null), "Support login (read-only)", ct);
    }

    private async Task CreateAsync(CreateUserRequest request, string description, CancellationToken ct)
    {
        var password = FirstAdminBootstrapper.GeneratePassword();
        var created = await users.CreateAsync(request with { Password = password }, ct);
        // Taken (an operator made such an account): nothing to print for it.
        if (created.IsSuccess) logins.Add(new DemoLogin(description, request.UserName!, password));
    }
}
