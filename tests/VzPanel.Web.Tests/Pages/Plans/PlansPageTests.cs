using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Plans;
using VzPanel.Core.Features.Identity;
using VzPanel.Web.Components.Pages.Plans;
using VzPanel.Web.Security;

namespace VzPanel.Web.Tests.Pages.Plans;

public sealed class PlansPageTests : VzPanelTestContext
{
    private readonly FakePlans _plans = new();

    public PlansPageTests()
    {
        Services.AddSingleton<IPlanQueries>(_plans);
        Services.AddSingleton<IPlanCommands>(_plans);
    }

    private void SignInAs(PanelRole role)
    {
        var auth = AddAuthorization().SetAuthorized(role.ToString().ToLowerInvariant());
        if (role == PanelRole.Admin) auth.SetPolicies(Policies.SignedIn, Policies.Staff, Policies.Admin);
        else auth.SetPolicies(Policies.SignedIn, Policies.Staff);
        ViewAs(Staff(role));
    }

    [Fact]
    public void Render_ForAdmin_ShowsEachPlanWithPricesCounts_RetiredChip_AndActions()
    {
        SignInAs(PanelRole.Admin);
        _plans.Items.Add(FakePlans.Plan("legacy", retired: true, tenants: 1, servers: 3));
        _plans.Items.Add(FakePlans.Plan("standard", tenants: 4, servers: 9));

        var cut = Render<PlansPage>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=plans-table] tbody tr").Count.ShouldBe(2));
        var legacy = cut.Find("[data-testid=plans-table] tbody tr:first-child");
        legacy.QuerySelector("[data-testid=plan-retired]")!.TextContent.ShouldBe("Retired");
        legacy.QuerySelector("[data-testid=plan-servers]")!.TextContent.ShouldBe("3");
        var standard = cut.Find("[data-testid=plans-table] tbody tr:last-child");
        standard.QuerySelector("[data-testid=plan-retired]").ShouldBeNull();
        standard.QuerySelector("[data-testid=plan-memory-price]")!.TextContent.ShouldBe("0.004");
        standard.QuerySelector("[data-testid=plan-customers]")!.TextContent.ShouldBe("4");
        standard.TextContent.ShouldContain("memory 256 MiB–16 GiB");
        cut.FindAll("[data-testid=add-plan]").Count.ShouldBe(1);
        cut.Find("[data-testid=delete-standard]").GetAttribute("aria-label").ShouldBe("Delete standard");
        cut.Find("[data-testid=retire-legacy]").GetAttribute("aria-label").ShouldBe("Bring back legacy");
    }

    [Fact]
    public void Render_WithoutPlans_SaysWhatAPlanIsFor()
    {
        SignInAs(PanelRole.Admin);

        var cut = Render<PlansPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=plans-empty]").TextContent.ShouldContain("add a plan before adding customers"));
        cut.FindAll("[data-testid=plans-table]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_ForSupport_ShowsThePlans_WithoutChangeButtons()
    {
        SignInAs(PanelRole.Support);
        _plans.Items.Add(FakePlans.Plan("standard"));

        var cut = Render<PlansPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=plan-standard]"));
        cut.FindAll("[data-testid=add-plan]").ShouldBeEmpty();
        cut.FindAll("[data-testid=edit-standard]").ShouldBeEmpty();
        cut.FindAll("[data-testid=retire-standard]").ShouldBeEmpty();
        cut.FindAll("[data-testid=delete-standard]").ShouldBeEmpty();
    }

    [Fact]
    public void Edit_OfAPlanInUse_AsksWithTheServicesMessage_ThenSendsAgainConfirmed()
    {
        SignInAs(PanelRole.Admin);
        _plans.Items.Add(FakePlans.Plan("standard", tenants: 2, servers: 5));
        _plans.Answers.Enqueue(new Error(PlanErrors.NeedsConfirmation, "Changing the prices or bounds of standard affects 2 customers with 5 servers."));
        var provider = Render<MudDialogProvider>();
        var cut = Render<PlansPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=edit-standard]"));

        _ = cut.Find("[data-testid=edit-standard]").ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find("input[data-testid=plan-price-memory]"));
        provider.Find("input[data-testid=plan-price-memory]").Change("0.008");
        _ = provider.Find("[data-testid=plan-submit]").ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find("[data-testid=confirm-message]").TextContent.ShouldContain("affects 2 customers with 5 servers"));
        provider.Find("[data-testid=confirm-yes]").Click();

        cut.WaitForAssertion(() => _plans.Updates.Select(u => (u.PricePerGiBHour, u.Confirm)).ShouldBe([(0.008m, (bool?)null), (0.008m, true)]));
        provider.WaitForAssertion(() => provider.FindAll("[data-testid=plan-dialog]").ShouldBeEmpty());
    }

    [Fact]
    public void Save_RefusedForAField_ShowsTheReasonUnderThatField()
    {
        SignInAs(PanelRole.Admin);
        _plans.Items.Add(FakePlans.Plan("standard"));
        _plans.Answers.Enqueue(new Error(PlanErrors.Invalid, "currency is a three-letter upper-case ISO 4217 code such as EUR or USD, not 'eu'.",
            new Dictionary<string, string[]> { ["currency"] = ["currency is a three-letter upper-case ISO 4217 code such as EUR or USD, not 'eu'."] }));
        var provider = Render<MudDialogProvider>();
        var cut = Render<PlansPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=edit-standard]"));

        _ = cut.Find("[data-testid=edit-standard]").ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find("[data-testid=plan-submit]"));
        _ = provider.Find("[data-testid=plan-submit]").ClickAsync(new());

        provider.WaitForAssertion(() => provider.Find("[data-testid=plan-error]").TextContent.ShouldContain("not 'eu'"));
        provider.Find("[data-testid=plan-dialog]").TextContent.ShouldContain("ISO 4217 code such as EUR or USD, not 'eu'.");
        _plans.Updates.Count.ShouldBe(1);
    }
}
