using Bunit;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Pages.Customers;
using VzPanel.Web.Components.Pages.Dashboard;
using VzPanel.Web.Components.Shared;
using VzPanel.Web.Security;

namespace VzPanel.Web.Tests.Pages.Customers;

public sealed class QuotaCardTests : VzPanelTestContext
{
    private static readonly TenantView Acme = FakeTenantQueries.Tenant("Acme Hosting",
        new TenantQuotas { MaxServers = 5, MaxMemoryMiB = 64 * 1024, MaxVCpus = 16 },
        new TenantUsage(3, 60 * 1024, 2048, 6, 40));

    [Fact]
    public void YourQuota_ForACustomer_ShowsEachQuotaAgainstItsUse_WithNamedBars()
    {
        Tenants.Items.AddRange([Acme, FakeTenantQueries.Tenant("Globex Shop", TenantQuotas.None, TenantUsage.Zero)]);
        var scope = AccessScope.ForTenant(Acme.Id);
        Tenants.Viewer = scope;
        ViewAs(scope);

        var cut = Render<YourQuotaCard>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=your-quota]").TextContent.ShouldContain("Acme Hosting"));
        cut.Find("[data-testid=quota-servers-text]").TextContent.ShouldBe("3 of 5");
        cut.Find("[data-testid=quota-memory-text]").TextContent.ShouldBe("60 GiB of 64 GiB");
        cut.Find("[data-testid=quota-guaranteed-text]").TextContent.ShouldBe("2 GiB · no limit");
        cut.Find("[data-testid=quota-disk-text]").TextContent.ShouldBe("40 GiB · no limit");
        var labels = cut.FindAll("[aria-label]").Select(e => e.GetAttribute("aria-label")).ToList();
        labels.ShouldContain("Memory: 60 GiB of 64 GiB used");
        labels.ShouldContain("vCPUs: 6 of 16 used");
        cut.FindAll("[data-testid=quota-guaranteed] .mud-progress-linear").ShouldBeEmpty();   // no limit, no bar
    }

    [Fact]
    public void YourQuota_ForStaff_ShowsNothing()
    {
        Tenants.Items.Add(Acme);
        ViewAs(Staff(PanelRole.Admin));

        var cut = Render<YourQuotaCard>();

        cut.FindAll("[data-testid=your-quota]").ShouldBeEmpty();
    }

    [Fact]
    public void CustomersPage_ForSupport_ListsUsageWithoutChangeButtons()
    {
        Tenants.Items.Add(Acme);
        ViewAs(Staff(PanelRole.Support));
        Services.AddSingleton<ITenantCommands>(new RefusingTenantCommands());
        Services.AddSingleton<ICreditBalances>(new FakeCreditBalances());
        AddAuthorization().SetAuthorized("helpdesk").SetRoles("Support").SetPolicies(Policies.SignedIn, Policies.Staff);

        var cut = Render<CustomersPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=customers-table]").TextContent.ShouldContain("Acme Hosting"));
        cut.Find("[data-testid=quota-memory-text]").TextContent.ShouldBe("60 GiB of 64 GiB");
        cut.FindAll("[data-testid=add-customer]").ShouldBeEmpty();
        cut.FindAll("[data-testid='edit-Acme Hosting']").ShouldBeEmpty();
        cut.FindAll("[data-testid='delete-Acme Hosting']").ShouldBeEmpty();
    }

    [Fact]
    public void SuspendedBanner_ShowsOnlyForASuspendedCustomer()
    {
        ViewAs(AccessScope.ForTenant(Acme.Id) with { TenantSuspended = true });

        var cut = Render<SuspendedBanner>();

        cut.Find("[data-testid=suspended-banner]").TextContent.Trim().ShouldBe(TenantSuspension.Banner);
    }
}
