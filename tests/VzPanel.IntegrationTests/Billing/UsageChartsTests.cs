using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Billing.Revenue;
using VzPanel.Core.Features.Billing.Usage;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.ServiceLayer;

namespace VzPanel.IntegrationTests.Billing;

/// <summary>
/// What the charts read, on real PostgreSQL: a server's memory and cost per hour and per day (the hour in progress included),
/// and the month's revenue per plan, per customer and per day for staff, adding up with the usage rows.
/// </summary>
public sealed class UsageChartsTests(PostgresServer server) : ServiceLayerTest(server)
{
    [Fact]
    public async Task AServersHistory_HasEveryHour_TheMemoryItHad_AndWhatEachHourCost_UpToNow()
    {
        var web = await ServerAsync(memoryMiB: 1024, guaranteePercent: 0, vcpus: 1, diskGiB: 10);   // 0.015 an hour from 09:00
        Host.Clock.Advance(TimeSpan.FromHours(3));
        await Host.DoAsync((c, ct) => c.SetMemoryAsync(web.Id, "2G", ct));                           // 0.019 an hour from 12:00
        Host.Clock.Advance(TimeSpan.FromMinutes(90));                                                // now 13:30

        var hours = await HistoryAsync(ServiceHost.Customer(Alice.Id), web.Id, UsageSpan.Hours);
        var days = await HistoryAsync(ServiceHost.Customer(Alice.Id), web.Id, UsageSpan.Days);
        var foreign = await HistoryAsync(ServiceHost.Customer(Bob.Id), web.Id, UsageSpan.Hours);

        hours.Points.Count.ShouldBe(UsageHistory.Hours);
        hours.Points[^1].Start.ShouldBe(ServiceHost.Start.AddHours(4));
        hours.Points.Zip(hours.Points.Skip(1)).ShouldAllBe(p => p.Second.Start - p.First.Start == TimeSpan.FromHours(1));
        hours.Points.TakeLast(5).Select(p => (Math.Round(p.MemoryGiB, 6), Math.Round(p.Cost, 6)))
            .ShouldBe([(1m, 0.015m), (1m, 0.015m), (1m, 0.015m), (2m, 0.019m), (2m, 0.0095m)]);
        hours.Points.SkipLast(5).ShouldAllBe(p => p.MemoryGiB == 0 && p.Cost == 0, "nothing before the server existed");
        hours.Currency.ShouldBe("EUR");
        var usage = await Host.AsAsync<IUsageTotals, IReadOnlyList<UsageRow>>(ServiceHost.Admin, u => u.QueryAsync(
            new UsageQuery(hours.Points[0].Start, Host.Clock.GetUtcNow(), UsageGrouping.Instance, InstanceId: web.Id), Ct));
        hours.TotalCost.ShouldBe(usage.Sum(u => u.Amount), "the chart and the usage rows agree");

        days.Points.Count.ShouldBe(UsageHistory.Days);
        days.Points[^1].Start.ShouldBe(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        Math.Round(days.Points[^1].MemoryGiB, 4).ShouldBe(0.4444m, "6 GiB-hours over the 13.5 hours of the day so far");
        days.TotalCost.ShouldBe(hours.TotalCost);

        (foreign.Currency, foreign.TotalCost).ShouldBe((null, 0m), "another tenant's server has no usage for this customer");
    }

    [Fact]
    public async Task Revenue_ForStaff_IsPerPlanPerCustomerAndPerDay_InCents_AddingUpWithTheUsage_AndRefusedToCustomers()
    {
        var premium = new Plan { Name = "premium", PricePerGiBHour = 0.01m, PricePerVCpuHour = 0.02m, PricePerDiskGiBMonth = 0.1m };
        await Host.ReadAsync(async db =>
        {
            db.Plans.Add(premium);
            (await db.Tenants.FindAsync([Bob.Id], Ct))!.PlanId = premium.Id;
            return await db.SaveChangesAsync(Ct);
        });
        await ServerAsync(memoryMiB: 1024, guaranteePercent: 0, vcpus: 1, diskGiB: 10);            // alice 0.015 an hour
        await ServerAsync(memoryMiB: 2048, guaranteePercent: 0, vcpus: 1, diskGiB: 10);            // alice 0.019 an hour
        await ServerAsync(Bob, memoryMiB: 4096, guaranteePercent: 0, vcpus: 2, diskGiB: 73);       // bob 0.04 + 0.04 + 0.01 an hour
        Host.Clock.Advance(TimeSpan.FromHours(20));                                                 // into December 2

        var revenue = (await RevenueAsync(ServiceHost.Support)).Value!;
        var refused = await RevenueAsync(ServiceHost.Customer(Alice.Id));

        var eur = revenue.Currencies.ShouldHaveSingleItem();
        eur.Currency.ShouldBe("EUR");
        eur.ByTenant.Select(t => (t.Name, t.Amount)).ShouldBe([("bob", 1.80m), ("alice", 0.68m)], "highest first, each rounded once");
        eur.ByPlan.Select(p => (p.Name, p.Amount)).ShouldBe([("premium", 1.80m), ("standard", 0.68m)]);
        eur.Total.ShouldBe(2.48m);
        eur.ByDay.Select(d => d.Day.Day).ShouldBe([1, 2]);
        eur.ByDay.Select(d => d.Amount).ShouldBe([Math.Round(15 * 0.124m, 2), Math.Round(5 * 0.124m, 2)], "15 hours on the first, 5 on the second");
        eur.TopSpenders(1).Single().Name.ShouldBe("bob");
        refused.Error!.Code.ShouldBe(ErrorCodes.Forbidden);
    }

    private Task<UsageHistoryView> HistoryAsync(AccessScope scope, Guid instanceId, UsageSpan span) =>
        Host.AsAsync<IUsageHistory, UsageHistoryView>(scope, h => h.ForInstanceAsync(instanceId, span, Ct));

    private Task<Result<RevenueView>> RevenueAsync(AccessScope scope) =>
        Host.AsAsync<IRevenueReport, Result<RevenueView>>(scope, r => r.MonthAsync(Host.Clock.GetUtcNow(), Ct));
}
