using Bunit;
using VzPanel.Web.Components.Layout;
using VzPanel.Web.Security;

namespace VzPanel.Web.Tests.Layout;

public sealed class NavMenuTests : VzPanelTestContext
{
    [Fact]
    public void Render_ForStaff_ShowsTheProviderSection()
    {
        AddAuthorization().SetAuthorized("support").SetRoles("Support").SetPolicies(Policies.SignedIn, Policies.Staff);

        var cut = Render<NavMenu>();

        cut.Markup.ShouldContain("Provider");
        cut.Markup.ShouldContain("REST API");
        cut.Markup.ShouldContain("Dashboard");
        cut.FindAll("[data-testid=nav-jobs]").ShouldBeEmpty();
        cut.Find("[data-testid=nav-plans]").GetAttribute("href").ShouldBe("/plans");   // read-only for support
    }

    [Fact]
    public void Render_ForCustomer_HidesTheProviderSection()
    {
        AddAuthorization().SetAuthorized("alice").SetRoles("Customer").SetPolicies(Policies.SignedIn, Policies.ManageInstances);

        var cut = Render<NavMenu>();

        cut.Markup.ShouldNotContain("Provider");
        cut.Markup.ShouldContain("Activity log");
        cut.Find("[data-testid=nav-servers]").GetAttribute("href").ShouldBe("/instances");
        cut.Find("[data-testid=nav-operations]").GetAttribute("href").ShouldBe("/operations");
        cut.FindAll("[data-testid=nav-jobs]").ShouldBeEmpty();
        cut.FindAll("[data-testid=nav-plans]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_ForAdmin_LinksTheJobsDashboardOutsideTheApp()
    {
        AddAuthorization().SetAuthorized("admin").SetRoles("Admin").SetPolicies(Policies.SignedIn, Policies.Staff, Policies.Admin);

        var cut = Render<NavMenu>();

        var jobs = cut.Find("[data-testid=nav-jobs]");
        jobs.GetAttribute("href").ShouldBe("/hangfire");
        jobs.GetAttribute("target").ShouldBe("_self");
    }
    [Fact]
    public void Render_UsersForStaffOnly_MyAccountForEveryone()
    {
        AddAuthorization().SetAuthorized("alice").SetRoles("Customer").SetPolicies(Policies.SignedIn, Policies.ManageInstances);
        var customer = Render<NavMenu>();
        customer.FindAll("[data-testid=nav-users]").ShouldBeEmpty();
        customer.Find("[data-testid=nav-my-account]").GetAttribute("href").ShouldBe("/account");
    }

    [Fact]
    public void Render_ForSupport_LinksTheUsersPage()
    {
        AddAuthorization().SetAuthorized("support").SetRoles("Support").SetPolicies(Policies.SignedIn, Policies.Staff);

        var cut = Render<NavMenu>();

        cut.Find("[data-testid=nav-users]").GetAttribute("href").ShouldBe("/users");
        cut.Find("[data-testid=nav-my-account]").GetAttribute("href").ShouldBe("/account");
    }
}
