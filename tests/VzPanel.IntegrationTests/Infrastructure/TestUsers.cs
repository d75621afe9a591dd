using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>Creates sign-in accounts in a test database through ASP.NET Core Identity, as the panel stores them.</summary>
public static class TestUsers
{
    public const string Password = "Correct-horse-battery-9";

    public static async Task<PanelUser> CreateUserAsync(this TestDatabase database, string userName, PanelRole role, Guid? tenantId = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddScoped(_ => new CurrentAccess(AccessScope.System))
            .AddScoped(sp => database.CreateContext(AccessScope.System));
        services.AddIdentityCore<PanelUser>().AddRoles<IdentityRole<Guid>>().AddEntityFrameworkStores<VzPanelDbContext>();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PanelUser>>();

        if (!await roles.RoleExistsAsync(role.ToString())) Check(await roles.CreateAsync(new IdentityRole<Guid>(role.ToString())));
        var user = new PanelUser { UserName = userName, TenantId = tenantId, CreatedAt = DateTimeOffset.UtcNow };
        Check(await users.CreateAsync(user, Password));
        Check(await users.AddToRoleAsync(user, role.ToString()));
        return user;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
