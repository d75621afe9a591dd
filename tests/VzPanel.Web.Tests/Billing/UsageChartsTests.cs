using Bunit;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Revenue;
using VzPanel.Core.Features.Billing.Usage;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Pages.Billing;
using VzPanel.Web.Components.Pages.Instances;

namespace VzPanel.Web.Tests.Billing;

/// <summary>The server page's usage chart and the staff's revenue page, rendered from what the service layer gives them.</summary>
public sealed class UsageChartsTests : VzPanelTestContext
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeRevenue _revenue = new();

    public UsageChartsTests()
    {
        ViewAs(Staff(PanelRole.Admin));
        Services.AddSingleton<IRevenueReport>(_revenue);
    }

    [Fact]
    public void TheServerChart_SumsUpThePeriod_SwitchesToDays_AndReadsAgainWhenTheServerChanges()
    {
        var id = Guid.NewGuid();
        UsageHistory.Points = span => span == UsageSpan.Hours
            ? [.. Enumerable.Range(0, 48).Select(i => new UsagePoint(Start.AddHours(i), i < 40 ? 1m : 2m, 0m, i < 40 ? 0.015m : 0.019m))]
            : [.. Enumerable.Range(0, 30).Select(i => new UsagePoint(Start.AddDays(i), 1.5m, 0m, 0.4m))];

        var cut = Render<InstanceUsageChart>(p => p.Add(x => x.InstanceId, id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=usage-summary]").TextContent
            .ShouldBe("0.752 EUR in the last 48 hours (UTC buckets), up to 2 GiB of memory."));   // 40 × 0.015 + 8 × 0.019
        cut.Find("[data-testid=usage-memory-chart]").ShouldNotBeNull();
        cut.FindAll("[role=img]").Select(e => e.GetAttribute("aria-label")).ShouldAllBe(label => label!.Contains("the last six"));

        cut.Find("[data-testid=usage-span-days]").Click();
        cut.WaitForAssertion(() => cut.Find("[data-testid=usage-summary]").TextContent.ShouldStartWith("12.00 EUR in the last 30 days"));

        var reads = UsageHistory.Reads.Count;
        Services.GetRequiredService<PanelEvents>().Publish(new InstanceChanged(id, Guid.NewGuid(), Guid.NewGuid(), InstanceState.Running));
        cut.WaitForAssertion(() => UsageHistory.Reads.Count.ShouldBe(reads + 1));
        UsageHistory.Reads[^1].ShouldBe(UsageSpan.Days, "the span chosen stays");
    }

    [Fact]
    public void AServerWithoutUsage_SaysWhenItStarts()
    {
        var cut = Render<InstanceUsageChart>(p => p.Add(x => x.InstanceId, Guid.NewGuid()));

        cut.WaitForAssertion(() => cut.Find("[data-testid=usage-empty]").TextContent.ShouldContain("counts to the second"));
    }

    [Fact]
    public void Revenue_ShowsTheTotal_EveryPlan_AndTheTopSpendersWithLinks()
    {
        var acme = Guid.NewGuid();
        _revenue.View = new RevenueView(Start, Start.AddDays(2),
        [
            new CurrencyRevenue("EUR", 30m,
                [new(Guid.NewGuid(), "premium", 20m), new(Guid.NewGuid(), "standard", 10m)],
                [new(acme, "Acme Hosting", 25m), new(Guid.NewGuid(), "Bob's Shop", 5m)],
                [(Start, 14m), (Start.AddDays(1), 16m)]),
        ]);

        var cut = Render<RevenuePage>(p => p.Add(x => x.Month, "2026-12"));

        cut.WaitForAssertion(() => cut.Find("[data-testid=revenue-total-EUR-value]").TextContent.ShouldBe("30.00 EUR"));
        cut.FindAll("[data-testid=revenue-plans-row]").Select(r => string.Join(" | ", r.QuerySelectorAll("td").Select(td => td.TextContent.Trim())))
            .ShouldBe(["premium | 20.00 EUR | 67%", "standard | 10.00 EUR | 33%"]);
        cut.FindAll("[data-testid=revenue-tenants-row] a").Select(a => a.GetAttribute("href")).First().ShouldBe($"/customers/{acme}");
        cut.Find("[data-testid=revenue-month]").TextContent.ShouldBe("December 2026");
        _revenue.Asked.ShouldBe([Start]);
    }

    [Fact]
    public void Revenue_ForAnEmptyMonth_OrABadOne_SaysSo()
    {
        _revenue.View = new RevenueView(Start, Start.AddDays(2), []);

        var empty = Render<RevenuePage>(p => p.Add(x => x.Month, "2026-11"));
        var bad = Render<RevenuePage>(p => p.Add(x => x.Month, "Novembre"));

        empty.WaitForAssertion(() => empty.Find("[data-testid=revenue-empty]").TextContent.ShouldContain("Nothing billed in November 2026"));
        bad.WaitForAssertion(() => bad.Find("[data-testid=revenue-error]").TextContent.ShouldContain("yyyy-MM"));
        _revenue.Asked.Count.ShouldBe(1, "a bad month asks nothing");
    }

    private sealed class FakeRevenue : IRevenueReport
    {
        public RevenueView? View { get; set; }
        public List<DateTimeOffset> Asked { get; } = [];

        public Task<Result<RevenueView>> MonthAsync(DateTimeOffset monthStart, CancellationToken ct)
        {
            Asked.Add(monthStart);
            return Task.FromResult(View is { } v ? v with { MonthStart = monthStart } : (Result<RevenueView>)Error.Forbidden("no"));
        }
    }
}
