using System.Security.Claims;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Tests.Features.Tenancy;

public sealed class AccessScopeTests
{
    private static readonly Guid TenantId = Guid.NewGuid();

    private static ClaimsPrincipal User(string role, Guid? tenant = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, "someone"), new(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()), new(ClaimTypes.Role, role) };
        if (tenant is { } t) claims.Add(new Claim(PanelClaims.TenantId, t.ToString()));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    [Fact]
    public void FromPrincipal_Admin_SeesAllAndWrites()
    {
        var scope = AccessScope.FromPrincipal(User("Admin"));

        scope.SeesAllTenants.ShouldBeTrue();
        scope.CanWriteInventory.ShouldBeTrue();
    }

    [Fact]
    public void FromPrincipal_Support_SeesAllButIsReadOnly()
    {
        var scope = AccessScope.FromPrincipal(User("Support"));

        scope.SeesAllTenants.ShouldBeTrue();
        scope.CanWriteInventory.ShouldBeFalse();
    }

    [Fact]
    public void FromPrincipal_Customer_IsLimitedToItsTenant()
    {
        var scope = AccessScope.FromPrincipal(User("Customer", TenantId));

        scope.SeesAllTenants.ShouldBeFalse();
        scope.TenantId.ShouldBe(TenantId);
        scope.CanWriteInventory.ShouldBeTrue();
    }

    [Fact]
    public void FromPrincipal_CustomerWithoutTenant_CanDoNothing()
    {
        var scope = AccessScope.FromPrincipal(User("Customer"));

        scope.SeesAllTenants.ShouldBeFalse();
        scope.TenantId.ShouldBeNull();
        scope.CanWriteInventory.ShouldBeFalse();
    }

    [Fact]
    public void FromPrincipal_StaffWithTenantClaim_IgnoresTheTenant() =>
        AccessScope.FromPrincipal(User("Support", TenantId)).TenantId.ShouldBeNull();

    [Fact]
    public void FromPrincipal_NotSignedIn_IsAnonymous()
    {
        var scope = AccessScope.FromPrincipal(new ClaimsPrincipal(new ClaimsIdentity()));

        scope.ShouldBe(AccessScope.Anonymous);
        scope.SeesAllTenants.ShouldBeFalse();
        scope.CanWriteInventory.ShouldBeFalse();
    }

    [Fact]
    public void CurrentAccess_NothingSet_IsAnonymous() => new CurrentAccess().Scope.ShouldBe(AccessScope.Anonymous);

    [Fact]
    public void CurrentAccess_ExplicitScope_WinsOverResolver()
    {
        var access = new CurrentAccess();
        access.ResolveWith(() => AccessScope.ForTenant(TenantId));
        access.Scope.TenantId.ShouldBe(TenantId);

        access.Scope = AccessScope.System;

        access.Scope.ShouldBe(AccessScope.System);
    }
}
