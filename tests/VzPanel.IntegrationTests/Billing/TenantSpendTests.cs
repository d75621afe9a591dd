using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Billing.Spend;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.ServiceLayer;

namespace VzPanel.IntegrationTests.Billing;

/// <summary>The customer dashboard's money on real PostgreSQL: spent this month (up to now), the month's forecast, the balance.</summary>
public sealed class TenantSpendTests(PostgresServer server) : ServiceLayerTest(server)
{
    [Fact]
    public async Task ThisMonth_CountsFromTheFirst_UpToNow_AndForecastsTheRestAtTheCurrentSize()
    {
        await Host.AsAsync<ICreditBalances, Result<CreditView>>(ServiceHost.Admin, b => b.AddAsync(Alice.Id, new CreditDraft(20m, "Payment"), Ct));
        var server = await ServerAsync(memoryMiB: 1024, guaranteePercent: 0, vcpus: 1, diskGiB: 10);   // 0.015 an hour
        Host.Clock.Advance(TimeSpan.FromHours(10));
        await Host.DoAsync((c, ct) => c.SetMemoryAsync(server.Id, "2G", ct));   // 0.019 an hour from now on
        Host.Clock.Advance(TimeSpan.FromHours(5));

        var spend = (await Host.AsAsync<ITenantSpend, Result<SpendView>>(ServiceHost.Customer(Alice.Id), s => s.ThisMonthAsync(Alice.Id, Ct))).Value!;

        spend.MonthStart.ShouldBe(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        Math.Round(spend.Spent, 6).ShouldBe(10 * 0.015m + 5 * 0.019m);
        spend.HourlyNow.ShouldBe(0.019m);
        var hoursLeft = (decimal)(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero) - Host.Clock.GetUtcNow()).TotalHours;
        Math.Round(spend.Forecast, 6).ShouldBe(Math.Round(spend.Spent + 0.019m * hoursLeft, 6));
        spend.Balance.Balance.ShouldBe(20m - 0.25m);   // 0.245 rounds once, half away from zero
        (await Host.AsAsync<ITenantSpend, Result<SpendView>>(ServiceHost.Customer(Bob.Id), s => s.ThisMonthAsync(Alice.Id, Ct))).Error!.Code
            .ShouldBe(ErrorCodes.NotFound);
    }
}
