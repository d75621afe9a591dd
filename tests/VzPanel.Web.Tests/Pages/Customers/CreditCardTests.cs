using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Pages.Customers;
using VzPanel.Web.Security;

namespace VzPanel.Web.Tests.Pages.Customers;

/// <summary>The Credit card on a customer's page, the dialog that adds credit, and the balance column of the customers table.</summary>
public sealed class CreditCardTests : VzPanelTestContext
{
    private static readonly TenantView Acme = FakeTenantQueries.Tenant("Acme Hosting", TenantQuotas.None, TenantUsage.Zero);
    private readonly FakeCreditBalances _credits = new();

    public CreditCardTests()
    {
        Services.AddSingleton<ICreditBalances>(_credits);
        Services.AddSingleton<ITenantCommands>(new RefusingTenantCommands());
        Tenants.Items.Add(Acme);
        _credits.Balances[Acme.Id] = FakeCreditBalances.Balance(Acme.Id, credits: 100m, usage: 57.83m, hourly: 0.05m);
    }

    private void SignInAs(PanelRole role)
    {
        var auth = AddAuthorization().SetAuthorized(role.ToString().ToLowerInvariant());
        if (role == PanelRole.Admin) auth.SetPolicies(Policies.SignedIn, Policies.Staff, Policies.Admin);
        else auth.SetPolicies(Policies.SignedIn, Policies.Staff);
        ViewAs(Staff(role));
    }

    private IRenderedComponent<CustomerDetailPage> RenderPage()
    {
        var cut = Render<CustomerDetailPage>(p => p.Add(x => x.Id, Acme.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=credit-card]"));
        return cut;
    }

    /// <summary>Opens the add-credit dialog from the card and types the amount and note as a person would.</summary>
    private static void OpenAndFill(IRenderedComponent<CustomerDetailPage> cut, IRenderedComponent<MudDialogProvider> provider, string amount, string note)
    {
        _ = cut.Find("[data-testid=add-credit]").ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find("input[data-testid=credit-amount]"));
        provider.Find("input[data-testid=credit-amount]").Input(amount);
        provider.Find("input[data-testid=credit-note]").Change(note);
    }

    private static string Text(IRenderedComponent<CustomerDetailPage> cut, string testId) => cut.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public void Card_ShowsTheBalanceWhatItIsMadeOf_HowLongItLasts_AndTheLedgerNewestFirst()
    {
        SignInAs(PanelRole.Admin);
        _credits.Ledgers[Acme.Id] =
        [
            new(2, Acme.Id, -20m, "EUR", "Refund of a double payment", "alice", new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero)),
            new(1, Acme.Id, 120m, "EUR", "Invoice 2026-117 paid", "bob", new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero)),
        ];

        var cut = RenderPage();

        Text(cut, "credit-balance").ShouldBe("42.17 EUR");
        Text(cut, "credit-credits").ShouldBe("100.00 EUR");
        Text(cut, "credit-usage").ShouldBe("57.83 EUR");
        Text(cut, "credit-hourly").ShouldBe("0.05 EUR");
        Text(cut, "credit-lasts").ShouldBe("Lasts about 35 days at this rate.");   // 42.17 / 0.05 = 843 h
        Text(cut, "balance-state").ShouldBe("OK");
        cut.FindAll("[data-testid=credit-suspended]").ShouldBeEmpty();
        var lines = cut.FindAll("[data-testid=credit-line]").Select(r => r.TextContent).ToList();
        lines.Count.ShouldBe(2);
        lines[0].ShouldContain("-20.00 EUR");
        lines[0].ShouldContain("Refund of a double payment");
        lines[0].ShouldContain("alice");
        lines[1].ShouldContain("120.00 EUR");
        cut.FindAll("[data-testid=credit-ledger-empty]").ShouldBeEmpty();
    }

    [Fact]
    public void Card_OfAnExhaustedCustomer_SaysSoInWords_AndThatItIsSuspendedForNonPayment()
    {
        SignInAs(PanelRole.Admin);
        _credits.Balances[Acme.Id] = FakeCreditBalances.Balance(Acme.Id, credits: 10m, usage: 12.5m, state: BalanceState.Exhausted, suspended: true);

        var cut = RenderPage();

        Text(cut, "credit-balance").ShouldBe("-2.50 EUR");
        Text(cut, "balance-state").ShouldBe("Exhausted");
        Text(cut, "credit-suspended").ShouldBe("Suspended for non-payment");
        Text(cut, "credit-lasts").ShouldStartWith("Used up since ");
    }

    [Fact]
    public void Card_WithoutCredit_SaysWhatCreditIsFor()
    {
        SignInAs(PanelRole.Admin);

        var cut = RenderPage();

        Text(cut, "credit-ledger-empty").ShouldContain("No credit added yet.");
        Text(cut, "credit-ledger-empty").ShouldContain("servers are stopped when the balance runs out");
        cut.FindAll("[data-testid=credit-ledger]").ShouldBeEmpty();
    }

    [Fact]
    public void Card_ForSupport_ShowsTheBalance_WithoutAddCredit()
    {
        SignInAs(PanelRole.Support);

        var cut = RenderPage();

        Text(cut, "credit-balance").ShouldBe("42.17 EUR");
        cut.FindAll("[data-testid=add-credit]").ShouldBeEmpty();
    }

    [Fact]
    public void AddCredit_SendsTheAmountAndNote_PreviewsTheBalance_AndTheCardRefreshes()
    {
        SignInAs(PanelRole.Admin);
        var snackbars = Render<MudSnackbarProvider>();
        var provider = Render<MudDialogProvider>();
        var cut = RenderPage();

        OpenAndFill(cut, provider, "25", "Invoice 2026-118 paid");
        provider.WaitForAssertion(() => provider.Find("[data-testid=credit-preview]").TextContent.ShouldContain("Balance after: 67.17 EUR"));
        _ = provider.Find("[data-testid=credit-submit]").ClickAsync(new());

        cut.WaitForAssertion(() => _credits.Added.ShouldBe([(Acme.Id, new CreditDraft(25m, "Invoice 2026-118 paid"))]));
        provider.WaitForAssertion(() => provider.FindAll("[data-testid=credit-dialog]").ShouldBeEmpty());
        cut.WaitForAssertion(() => Text(cut, "credit-balance").ShouldBe("67.17 EUR"));
        cut.Find("[data-testid=credit-line]").TextContent.ShouldContain("Invoice 2026-118 paid");
        snackbars.WaitForAssertion(() => snackbars.Markup.ShouldContain("Added 25.00 EUR for Acme Hosting."));
    }

    [Fact]
    public void TakingCreditBack_AsksFirst_AndSendsNothingWhenCancelled()
    {
        SignInAs(PanelRole.Admin);
        var provider = Render<MudDialogProvider>();
        var cut = RenderPage();

        OpenAndFill(cut, provider, "-5", "Goodwill credit given twice");
        _ = provider.Find("[data-testid=credit-submit]").ClickAsync(new());

        provider.WaitForAssertion(() => provider.Find("[data-testid=confirm-dialog]"));
        provider.Markup.ShouldContain("Take back 5.00 EUR from Acme Hosting?");
        provider.Find("[data-testid=confirm-message]").TextContent.ShouldContain("goes from 42.17 EUR to 37.17 EUR");
        provider.Find("[data-testid=confirm-cancel]").Click();
        provider.WaitForAssertion(() => provider.FindAll("[data-testid=confirm-dialog]").ShouldBeEmpty());
        _credits.Added.ShouldBeEmpty();

        _ = provider.Find("[data-testid=credit-submit]").ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find("[data-testid=confirm-yes]"));
        provider.Find("[data-testid=confirm-yes]").Click();
        cut.WaitForAssertion(() => _credits.Added.ShouldBe([(Acme.Id, new CreditDraft(-5m, "Goodwill credit given twice"))]));
    }

    [Fact]
    public void AddCredit_RefusedForAField_ShowsTheReasonUnderThatField_AndKeepsTheDialogOpen()
    {
        SignInAs(PanelRole.Admin);
        const string why = "Credit comes in whole cents; 1.005 has more decimals.";
        _credits.Answers.Enqueue(new Error(CreditRules.InvalidCredit, why, new Dictionary<string, string[]> { ["amount"] = [why] }));
        var provider = Render<MudDialogProvider>();
        var cut = RenderPage();

        OpenAndFill(cut, provider, "1.005", "Rounding test");
        _ = provider.Find("[data-testid=credit-submit]").ClickAsync(new());

        provider.WaitForAssertion(() => provider.Find(".mud-input-control.mud-input-error").TextContent.ShouldContain(why));
        provider.Find(".mud-input-control.mud-input-error").QuerySelector("input[data-testid=credit-amount]").ShouldNotBeNull();
        provider.FindAll("[data-testid=credit-dialog]").Count.ShouldBe(1);
        _credits.Added.Count.ShouldBe(1);
    }

    [Fact]
    public void CustomersTable_ShowsEachBalance_WithLowInWords()
    {
        SignInAs(PanelRole.Admin);
        var globex = FakeTenantQueries.Tenant("Globex Shop", TenantQuotas.None, TenantUsage.Zero);
        Tenants.Items.Add(globex);
        _credits.Balances[globex.Id] = FakeCreditBalances.Balance(globex.Id, credits: 5m, usage: 1.2m, state: BalanceState.Low);

        var cut = Render<CustomersPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid='balance-Globex Shop'] [data-testid=balance-text]").TextContent.ShouldBe("3.80 EUR"));
        cut.Find("[data-testid='balance-Globex Shop'] [data-testid=balance-state]").TextContent.Trim().ShouldBe("Low");
        cut.Find("[data-testid='balance-Acme Hosting'] [data-testid=balance-text]").TextContent.ShouldBe("42.17 EUR");
        cut.FindAll("[data-testid='balance-Acme Hosting'] [data-testid=balance-state]").ShouldBeEmpty();   // OK needs no mark
    }
}
