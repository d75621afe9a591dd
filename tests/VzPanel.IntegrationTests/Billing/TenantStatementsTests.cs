using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Billing.Statements;
using VzPanel.Core.Features.Billing.Usage;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.ServiceLayer;

namespace VzPanel.IntegrationTests.Billing;

/// <summary>Monthly statements on real PostgreSQL: lines per server rounded once, credits of the month, totals that add up and agree with the usage rows.</summary>
public sealed class TenantStatementsTests(PostgresServer server) : ServiceLayerTest(server)
{
    [Fact]
    public async Task AClosedMonth_HasALinePerServer_RoundedOnce_ItsCredits_AndATotalThatMatchesTheUsageRows()
    {
        await Host.AsAsync<ICreditBalances, Result<CreditView>>(ServiceHost.Admin, b => b.AddAsync(Alice.Id, new CreditDraft(30m, "Payment #1"), Ct));
        var web = await ServerAsync(name: "web", memoryMiB: 1024, guaranteePercent: 0, vcpus: 1, diskGiB: 10);    // 0.015 an hour
        var db = await ServerAsync(name: "db", memoryMiB: 3072, guaranteePercent: 50, vcpus: 2, diskGiB: 20);    // 0.012 + 0.003 + 0.02 + 0.002
        Host.Clock.Advance(TimeSpan.FromHours(100) + TimeSpan.FromMinutes(7));
        await Host.DoAsync((c, ct) => c.SetMemoryAsync(web.Id, "2G", ct));
        Host.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 3, 0, 0, 0, TimeSpan.Zero));   // December is over

        var december = (await StatementAsync(ServiceHost.Customer(Alice.Id), "2026-12")).Value!;
        var usage = await Host.AsAsync<IUsageTotals, IReadOnlyList<UsageRow>>(ServiceHost.Admin, u => u.QueryAsync(
            new UsageQuery(december.From, december.To, UsageGrouping.Instance, Alice.Id), Ct));

        (december.Final, december.From, december.To).ShouldBe((true, ServiceHost.Start.AddHours(-9), new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        december.Lines.Select(l => l.InstanceName).ShouldBe(["db", "web"]);
        foreach (var line in december.Lines)
            line.Amount.ShouldBe(Math.Round(usage.Where(u => u.InstanceId == line.InstanceId).Sum(u => u.Amount), 2, MidpointRounding.AwayFromZero));
        december.Lines.Single(l => l.InstanceName == "db").VCpuHours.ShouldBe(2 * (31 * 24 - 9));
        december.UsageTotal.ShouldBe(december.Lines.Sum(l => l.Amount));
        (december.CreditsTotal, december.Credits.Single().Note).ShouldBe((30m, "Payment #1"));
        var csv = StatementCsv.Write(december).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        csv[0].ShouldBe(StatementCsv.Header);
        csv.Count(r => r.Contains(",usage,", StringComparison.Ordinal)).ShouldBe(2);
        csv[^1].ShouldStartWith($"2026-12,total,,,,,,,,{december.UsageTotal},EUR,final");
    }

    [Fact]
    public async Task TheMonthInProgress_RunsUpToNow_ABadOrFutureMonthIsRefused_AndOthersAreNotFound()
    {
        await ServerAsync();
        Host.Clock.Advance(TimeSpan.FromHours(2));

        var list = (await Host.AsAsync<ITenantStatements, Result<IReadOnlyList<StatementSummary>>>(ServiceHost.Customer(Alice.Id), s => s.ListAsync(Alice.Id, Ct))).Value!;
        var bad = await StatementAsync(ServiceHost.Admin, "December");
        var future = await StatementAsync(ServiceHost.Admin, "2027-02");
        var foreign = await StatementAsync(ServiceHost.Customer(Bob.Id), "2026-12");

        list.Select(m => (m.Month, m.Final)).ShouldBe([("2026-12", false)]);
        list[0].To.ShouldBe(Host.Clock.GetUtcNow());
        (bad.Error!.Code, future.Error!.Code).ShouldBe((TenantStatements.InvalidMonth, TenantStatements.InvalidMonth));
        foreign.Error!.Code.ShouldBe(ErrorCodes.NotFound);
    }

    private Task<Result<StatementView>> StatementAsync(AccessScope scope, string month) =>
        Host.AsAsync<ITenantStatements, Result<StatementView>>(scope, s => s.GetAsync(Alice.Id, month, Ct));
}
