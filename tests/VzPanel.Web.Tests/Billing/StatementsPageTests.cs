using Bunit;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Billing.Statements;
using VzPanel.Web.Components.Pages.Billing;

namespace VzPanel.Web.Tests.Billing;

public sealed class StatementsPageTests : VzPanelTestContext
{
    private static readonly Guid Tenant = Guid.NewGuid();
    private static readonly DateTimeOffset December = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly StatementView Statement = new(Tenant, "Acme Hosting", "2026-12", December, December.AddMonths(1), true, "EUR",
        [new(Guid.NewGuid(), "acme-db", 5952m, 5952m, 2976m, 1m, 60.26m), new(Guid.NewGuid(), "acme-web", 1488.5m, 744.25m, 1488m, 0.5m, 21.13m)],
        [new(1, Tenant, 50m, "EUR", "Payment #7", "admin", December.AddDays(3))], 81.39m, 50m);

    public StatementsPageTests() => Services.AddSingleton<ITenantStatements>(new FakeStatements());

    [Fact]
    public void AMonth_ShowsALinePerServer_TheCredits_AndTheTotal()
    {
        var cut = Render<StatementsPage>(p => p.Add(x => x.TenantId, Tenant).Add(x => x.Month, "2026-12"));

        cut.WaitForAssertion(() => cut.Find("[data-testid=statement-total]").TextContent.ShouldBe("81.39 EUR"));
        cut.FindAll("[data-testid=statement-lines] tbody tr").Count.ShouldBe(3);   // two servers and the total
        cut.Find("[data-testid=statement-lines]").TextContent.ShouldContain("1,488.5");
        cut.Find("[data-testid=statement-credits]").TextContent.ShouldContain("Payment #7");
        cut.Find("[data-testid=statement-csv]").GetAttribute("href").ShouldBe($"/api/v1/tenants/{Tenant}/statements/2026-12.csv");
    }

    [Fact]
    public void TheList_LinksEveryMonth_AndABadMonthSaysWhy()
    {
        var list = Render<StatementsPage>(p => p.Add(x => x.TenantId, Tenant));
        list.WaitForAssertion(() => list.Find("[data-testid=statement-2026-12]").TextContent.ShouldContain("81.39 EUR"));

        var bad = Render<StatementsPage>(p => p.Add(x => x.TenantId, Tenant).Add(x => x.Month, "someday"));
        bad.WaitForAssertion(() => bad.Find("[data-testid=statements-missing]").TextContent.ShouldContain("yyyy-MM"));
    }

    private sealed class FakeStatements : ITenantStatements
    {
        public Task<Result<IReadOnlyList<StatementSummary>>> ListAsync(Guid tenantId, CancellationToken ct) =>
            Task.FromResult<Result<IReadOnlyList<StatementSummary>>>(new[] { new StatementSummary("2026-12", December, December.AddMonths(1), true, "EUR", 81.39m, 50m) });

        public Task<Result<StatementView>> GetAsync(Guid tenantId, string month, CancellationToken ct) =>
            Task.FromResult(month == "2026-12" ? Statement : (Result<StatementView>)Error.Invalid(TenantStatements.InvalidMonth, "month", "Write yyyy-MM."));
    }
}
