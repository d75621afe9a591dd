using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Identity.Users;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Identity;

/// <summary>The account service on real PostgreSQL through ASP.NET Core Identity, with the panel's password rules.</summary>
public sealed class UserServiceTests(PostgresServer server) : IAsyncLifetime
{
    private const string StrongPassword = "Plenty-long-password-7";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
    private TestDatabase _db = null!;
    private ServiceProvider _services = null!;
    private Tenant _acme = null!;
    private Guid _adminId;

    public async ValueTask InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync();
        _acme = await _db.TenantAsync("Acme Hosting");
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_clock).AddScoped<CurrentAccess>();
        services.AddDbContextFactory<VzPanelDbContext>(o => o.UseVzPanelDatabase(_db.ConnectionString), ServiceLifetime.Scoped);
        services.AddScoped<AuditLog>().AddScoped<FirstAdminBootstrapper>().AddVzPanelUsers();
        services.AddIdentityCore<PanelUser>(o => o.Password.RequiredLength = 12)   // as the panel configures it
            .AddRoles<IdentityRole<Guid>>().AddEntityFrameworkStores<VzPanelDbContext>();
        _services = services.BuildServiceProvider();

        await using var scope = Scope(AccessScope.System);
        await scope.ServiceProvider.GetRequiredService<FirstAdminBootstrapper>().EnsureAsync(default);
        _adminId = (await scope.ServiceProvider.GetRequiredService<UserManager<PanelUser>>().FindByNameAsync("admin"))!.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private AccessScope Admin => new("admin", _adminId, PanelRole.Admin, null);

    private AsyncServiceScope Scope(AccessScope access)
    {
        var scope = _services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = access;
        return scope;
    }

    private async Task<T> AsAsync<T>(AccessScope access, Func<IUserCommands, Task<T>> act)
    {
        await using var scope = Scope(access);
        return await act(scope.ServiceProvider.GetRequiredService<IUserCommands>());
    }

    private Task<T> AsAdminAsync<T>(Func<IUserCommands, Task<T>> act) => AsAsync(Admin, act);

    private async Task<Result<string>> RedeemAsync(string? token, string password)
    {
        await using var scope = Scope(AccessScope.Anonymous);
        return await scope.ServiceProvider.GetRequiredService<PasswordLinks>().SetPasswordAsync(token, password, default);
    }

    private async Task<bool> PasswordWorksAsync(string userName, string password)
    {
        await using var scope = Scope(AccessScope.System);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PanelUser>>();
        return await users.CheckPasswordAsync((await users.FindByNameAsync(userName))!, password);
    }

    private static CreateUserRequest Customer(string name, Guid? tenant, string? password = null) =>
        new(name, $"{name}@example.com", name.ToUpperInvariant(), PanelRole.Customer, tenant, password);

    [Fact]
    public async Task Create_WithAPassword_MakesAnAccountThatSignsInWithIt_AndIssuesNoLink()
    {
        var created = await AsAdminAsync(c => c.CreateAsync(Customer("alice", _acme.Id, StrongPassword), default));

        created.IsSuccess.ShouldBeTrue(created.Error?.Message);
        created.Value!.Link.ShouldBeNull();
        created.Value.User.ShouldSatisfyAllConditions(
            u => u.Role.ShouldBe(PanelRole.Customer), u => u.TenantId.ShouldBe(_acme.Id), u => u.TenantName.ShouldBe("Acme Hosting"),
            u => u.Locked.ShouldBeFalse(), u => u.MfaEnabled.ShouldBeFalse(), u => u.CreatedAt.ShouldBe(_clock.GetUtcNow()));
        (await PasswordWorksAsync("alice", StrongPassword)).ShouldBeTrue();
        await using var db = _db.CreateContext();
        (await db.SetPasswordLinks.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
        (await db.AuditEvents.Where(a => a.Action == "user.create" && a.TargetId == created.Value.User.Id.ToString()).Select(a => a.Summary)
            .SingleAsync(TestContext.Current.CancellationToken)).ShouldBe("Created the Customer account 'alice' with a password.");
    }

    [Fact]
    public async Task Create_WithoutAPassword_GivesALinkStoredOnlyAsItsHash_ThatSetsThePasswordOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await AsAdminAsync(c => c.CreateAsync(Customer("bob", _acme.Id), default));
        var link = created.Value!.Link.ShouldNotBeNull();
        link.ExpiresAt.ShouldBe(_clock.GetUtcNow().AddHours(72));
        link.Path.ShouldBe($"/account/set-password?token={link.Token}");

        await using (var db = _db.CreateContext())
        {
            var row = await db.SetPasswordLinks.SingleAsync(ct);
            row.SecretHash.ShouldBe(SHA256.HashData(Base64Url.DecodeFromChars(link.Token)));
            row.Purpose.ShouldBe(VzPanel.Core.Features.Identity.Tokens.SetPasswordPurpose.Welcome);
            (await db.AuditEvents.AnyAsync(a => a.Summary.Contains(link.Token), ct)).ShouldBeFalse();
        }

        (await RedeemAsync(link.Token, StrongPassword)).Value.ShouldBe("bob");
        (await PasswordWorksAsync("bob", StrongPassword)).ShouldBeTrue();

        var again = await RedeemAsync(link.Token, "Another-long-password-8");
        again.Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.LinkUnusableCode);
        again.Error.Message.ShouldBe("This link has expired or was already used. Ask an admin for a new one.");
        (await PasswordWorksAsync("bob", StrongPassword)).ShouldBeTrue();   // the second use changed nothing
    }

    [Fact]
    public async Task ExpiredLink_IsRefusedWithTheSameMessage_AndAResetLinkRetiresTheOlderOne()
    {
        var created = await AsAdminAsync(c => c.CreateAsync(Customer("carol", _acme.Id), default));
        var welcome = created.Value!.Link!;

        _clock.Advance(TimeSpan.FromHours(72) + TimeSpan.FromSeconds(1));
        var expired = await RedeemAsync(welcome.Token, StrongPassword);
        expired.Error.ShouldNotBeNull().Message.ShouldBe(UserErrors.LinkUnusableMessage);

        var first = (await AsAdminAsync(c => c.IssueResetLinkAsync(created.Value.User.Id, default))).Value!;
        var second = (await AsAdminAsync(c => c.IssueResetLinkAsync(created.Value.User.Id, default))).Value!;
        (await RedeemAsync(first.Token, StrongPassword)).Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.LinkUnusableCode);
        (await RedeemAsync(second.Token, StrongPassword)).IsSuccess.ShouldBeTrue();
        (await RedeemAsync("not-a-token", StrongPassword)).Error.ShouldNotBeNull().Message.ShouldBe(UserErrors.LinkUnusableMessage);
    }

    [Fact]
    public async Task LastAdmin_CannotBeDeletedLockedOrDemoted_UntilAnotherAdminCanSignIn()
    {
        (await AsAdminAsync(c => c.DeleteAsync(_adminId, default))).Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.LastAdminCode);
        (await AsAdminAsync(c => c.LockAsync(_adminId, default))).Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.LastAdminCode);
        (await AsAdminAsync(c => c.UpdateAsync(_adminId, new UpdateUserRequest(Role: PanelRole.Support), default)))
            .Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.LastAdminCode);

        var second = (await AsAdminAsync(c => c.CreateAsync(new CreateUserRequest("root2", null, null, PanelRole.Admin, null, StrongPassword), default))).Value!.User;
        (await AsAdminAsync(c => c.LockAsync(second.Id, default))).Value!.Locked.ShouldBeTrue();
        // A locked admin cannot sign in, so the first one is still the last.
        (await AsAdminAsync(c => c.DeleteAsync(_adminId, default))).Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.LastAdminCode);

        (await AsAdminAsync(c => c.UnlockAsync(second.Id, default))).Value!.Locked.ShouldBeFalse();
        var demoted = await AsAdminAsync(c => c.UpdateAsync(_adminId, new UpdateUserRequest(Role: PanelRole.Support), default));
        demoted.Value.ShouldNotBeNull().Role.ShouldBe(PanelRole.Support);
        (await AsAdminAsync(c => c.DeleteAsync(second.Id, default))).Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.LastAdminCode);

        await using var db = _db.CreateContext();
        (await db.AuditEvents.CountAsync(a => a.Action == "user.denied", TestContext.Current.CancellationToken)).ShouldBe(5);
    }

    [Fact]
    public async Task TenantRules_CustomersNeedAnExistingTenant_StaffHaveNone()
    {
        (await AsAdminAsync(c => c.CreateAsync(Customer("dave", null, StrongPassword), default))).Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.TenantRequiredCode);
        (await AsAdminAsync(c => c.CreateAsync(Customer("dave", Guid.NewGuid(), StrongPassword), default))).Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.UnknownTenantCode);
        (await AsAdminAsync(c => c.CreateAsync(new CreateUserRequest("erin", null, null, PanelRole.Support, _acme.Id, StrongPassword), default)))
            .Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.TenantNotAllowedCode);

        var customer = (await AsAdminAsync(c => c.CreateAsync(Customer("dave", _acme.Id, StrongPassword), default))).Value!.User;
        var support = await AsAdminAsync(c => c.UpdateAsync(customer.Id, new UpdateUserRequest(Role: PanelRole.Support), default));
        support.Value.ShouldNotBeNull().TenantId.ShouldBeNull();   // a new staff role drops the tenant
        (await AsAdminAsync(c => c.UpdateAsync(customer.Id, new UpdateUserRequest(Role: PanelRole.Customer), default)))
            .Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.TenantRequiredCode);
    }

    [Fact]
    public async Task WeakPassword_IsRefusedWithIdentitysReasons_AndCreatesNothing()
    {
        var weak = await AsAdminAsync(c => c.CreateAsync(Customer("frank", _acme.Id, "short"), default));

        var error = weak.Error.ShouldNotBeNull();
        error.Code.ShouldBe(UserErrors.WeakPasswordCode);
        error.Fields.ShouldNotBeNull()["password"].ShouldContain("Passwords must be at least 12 characters.");
        error.Fields["password"].ShouldContain("Passwords must have at least one uppercase ('A'-'Z').");
        await using var db = _db.CreateContext();
        (await db.Users.AnyAsync(u => u.UserName == "frank", TestContext.Current.CancellationToken)).ShouldBeFalse();
    }

    [Fact]
    public async Task DuplicateUserName_IsAConflict()
    {
        (await AsAdminAsync(c => c.CreateAsync(Customer("grace", _acme.Id, StrongPassword), default))).IsSuccess.ShouldBeTrue();
        var again = await AsAdminAsync(c => c.CreateAsync(Customer("grace", _acme.Id, StrongPassword), default));
        again.Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.UserNameTakenCode);
    }

    [Fact]
    public async Task SupportAndCustomers_ChangeNoAccount_AndTheRefusalIsAudited()
    {
        var support = new AccessScope("sam", Guid.NewGuid(), PanelRole.Support, null);
        var customer = AccessScope.ForTenant(_acme.Id);

        (await AsAsync(support, c => c.CreateAsync(Customer("heidi", _acme.Id, StrongPassword), default))).Error.ShouldNotBeNull().Code.ShouldBe(ErrorCodes.Forbidden);
        (await AsAsync(customer, c => c.LockAsync(_adminId, default))).Error.ShouldNotBeNull().Code.ShouldBe(ErrorCodes.Forbidden);
        (await AsAsync(customer, c => c.IssueResetLinkAsync(_adminId, default))).Error.ShouldNotBeNull().Code.ShouldBe(ErrorCodes.Forbidden);
        await using (var scope = Scope(customer))
            (await scope.ServiceProvider.GetRequiredService<IUserQueries>().ListAsync(TestContext.Current.CancellationToken)).Error.ShouldNotBeNull().Code.ShouldBe(ErrorCodes.Forbidden);

        await using var db = _db.CreateContext();
        (await db.AuditEvents.CountAsync(a => a.Action == "user.denied", TestContext.Current.CancellationToken)).ShouldBe(3);
        (await db.Users.AnyAsync(u => u.UserName == "heidi", TestContext.Current.CancellationToken)).ShouldBeFalse();
    }

    [Fact]
    public async Task ChangeOwnPassword_NeedsTheCurrentOne_AndRenewsTheSecurityStamp()
    {
        var alice = (await AsAdminAsync(c => c.CreateAsync(Customer("alice", _acme.Id, StrongPassword), default))).Value!.User;
        var self = new AccessScope("alice", alice.Id, PanelRole.Customer, _acme.Id);
        string? stampBefore;
        await using (var scope = Scope(AccessScope.System))
            stampBefore = (await scope.ServiceProvider.GetRequiredService<UserManager<PanelUser>>().FindByIdAsync(alice.Id.ToString()))!.SecurityStamp;

        (await AsAsync(self, c => c.ChangeOwnPasswordAsync("Wrong-password-123", "Brand-new-password-9", default)))
            .Error.ShouldNotBeNull().Code.ShouldBe(UserErrors.WrongPasswordCode);
        (await AsAsync(self, c => c.ChangeOwnPasswordAsync(StrongPassword, "weak", default)))
            .Error.ShouldNotBeNull().Fields.ShouldNotBeNull().Keys.ShouldBe(["newPassword"]);
        (await AsAsync(self, c => c.ChangeOwnPasswordAsync(StrongPassword, "Brand-new-password-9", default))).IsSuccess.ShouldBeTrue();

        (await PasswordWorksAsync("alice", "Brand-new-password-9")).ShouldBeTrue();
        await using var after = Scope(AccessScope.System);
        (await after.ServiceProvider.GetRequiredService<UserManager<PanelUser>>().FindByIdAsync(alice.Id.ToString()))!.SecurityStamp.ShouldNotBe(stampBefore);
    }
}
