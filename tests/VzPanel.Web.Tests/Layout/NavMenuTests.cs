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
    }

    [Fact]
    public void Render_ForCustomer_HidesTheProviderSection()
    {
        AddAuthorization().SetAuthorized("alice").SetRoles("Customer").SetPolicies(Policies.SignedIn, Policies.ManageInstances);

        var cut = Render<NavMenu>();

        cut.Markup.ShouldNotContain("Provider");
        cut.Markup.ShouldContain("Activity log");
    }
}
