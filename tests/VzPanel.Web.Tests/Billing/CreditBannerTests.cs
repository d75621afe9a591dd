using Bunit;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Shared;

namespace VzPanel.Web.Tests.Billing;

public sealed class CreditBannerTests : VzPanelTestContext
{
    private readonly Guid _tenant = Guid.NewGuid();

    [Theory]
    [InlineData(BalanceState.Low, 3.5, "Your credit is low: 3.50 EUR left, about 3 days at the current rate.")]
    [InlineData(BalanceState.Exhausted, -0.2, "Your credit is used up (-0.20 EUR).")]
    public void APrepaidCustomer_LowOrOutOfCredit_IsToldOnEveryPage(BalanceState state, double balance, string text)
    {
        ViewAs(new AccessScope("acme-owner", Guid.NewGuid(), PanelRole.Customer, _tenant));
        Money.Balance = FakeSpend.Prepaid(_tenant, (decimal)balance, hourly: 0.05m, state);

        var cut = Render<CreditBanner>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=credit-banner]").TextContent.ShouldContain(text));
    }

    [Fact]
    public void EnoughCredit_OrStaff_NoBanner()
    {
        ViewAs(new AccessScope("acme-owner", Guid.NewGuid(), PanelRole.Customer, _tenant));
        Money.Balance = FakeSpend.Prepaid(_tenant, 50m, hourly: 0.05m, BalanceState.Ok);

        Render<CreditBanner>().FindAll("[data-testid=credit-banner]").ShouldBeEmpty();
    }
}
