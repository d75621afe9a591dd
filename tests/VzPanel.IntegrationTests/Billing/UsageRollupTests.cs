using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Billing.Rollups;
using VzPanel.Core.Features.Billing.Usage;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.ServiceLayer;

namespace VzPanel.IntegrationTests.Billing;

/// <summary>The hourly rollup on real PostgreSQL: the same integral as the segments, stored; idempotent; corrected by late segments.</summary>
public sealed class UsageRollupTests(PostgresServer server) : ServiceLayerTest(server)
{
    // The plan: 0.004 per GiB-hour, half of that more per guaranteed GiB, 0.01 per vCPU-hour, 0.073 per GiB-month of disk.
    private const decimal Small = 1 * 0.004m + 0.5m * 0.002m + 0.01m + 10 * 0.073m / 730;   // 1 GiB, 512 MiB guaranteed, 1 vCPU, 10 GiB
    private const decimal Large = 2 * 0.004m + 1m * 0.002m + 0.01m + 10 * 0.073m / 730;     // 2 GiB, 1 GiB guaranteed

    [Fact]
    public async Task ClosedHours_AreRolledUpAsTheSegmentIntegral_AndTheHourInProgressIsReadFromTheSegments()
    {
        var server = await ServerAsync(memoryMiB: 1024);
        Host.Clock.Advance(TimeSpan.FromMinutes(90));
        await Host.DoAsync((c, ct) => c.SetMemoryAsync(server.Id, "2G", ct));
        Host.Clock.Advance(TimeSpan.FromMinutes(45));
        var fromSegments = await HoursAsync(server.Id);

        (await RollUpAsync()).ShouldBe(2);

        var stored = await StoredAsync();
        stored.Select(h => (h.InstanceId, h.Hour, h.TenantId, h.Currency)).ShouldBe([
            (server.Id, ServiceHost.Start, Alice.Id, "EUR"), (server.Id, ServiceHost.Start.AddHours(1), Alice.Id, "EUR")]);   // not the hour in progress
        stored.Select(h => Math.Round(h.Amount, 9)).ShouldBe([Math.Round(Small, 9), Math.Round(Small / 2 + Large / 2, 9)]);
        (stored[1].MemoryGiBHours, stored[1].GuaranteedGiBHours, stored[1].VCpuHours).ShouldBe((1.5m, 0.75m, 1m));
        stored.Sum(h => h.DiskGiBMonths).ShouldBe(20m / 730, 1e-12m);
        (await WatermarkAsync()).ShouldBe(ServiceHost.Start.AddHours(2));

        var read = await HoursAsync(server.Id);
        read.ShouldBe(fromSegments);   // same numbers whether the rollup ran or not
        read.Select(r => (r.Period, Math.Round(r.Amount, 9))).Last().ShouldBe((ServiceHost.Start.AddHours(2), Math.Round(Large / 4, 9)));

        Host.Clock.Advance(TimeSpan.FromHours(3));   // hours after the watermark come from the segments until the next run
        var later = await HoursAsync(server.Id);
        later.Count.ShouldBe(6);
        later.Skip(2).Select(r => Math.Round(r.Amount, 9)).ShouldBe([Math.Round(Large, 9), Math.Round(Large, 9), Math.Round(Large, 9), Math.Round(Large / 4, 9)]);
        var total = (await UsageAsync(UsageGrouping.Instance, instance: server.Id)).Single();
        Math.Round(total.Amount, 9).ShouldBe(Math.Round(1.5m * Small + 3.75m * Large, 9));
    }

    [Fact]
    public async Task ARerun_WritesTheSameRows_AndOnlyNewHoursPlusTheLookBack()
    {
        await ServerAsync(tenant: Alice);
        await ServerAsync(tenant: Bob, memoryMiB: 2048);
        Host.Clock.Advance(TimeSpan.FromHours(30.5));

        (await RollUpAsync()).ShouldBe(30);   // two batches: 24 hours, then 6
        var first = await StoredAsync();
        (await RollUpAsync()).ShouldBe(2);    // the look-back only
        Host.Clock.Advance(TimeSpan.FromHours(1));
        (await RollUpAsync()).ShouldBe(3);    // the look-back and the hour that closed

        first.Count.ShouldBe(60);
        (await StoredAsync()).Take(60).ShouldBe(first);
        (await StoredAsync()).Count.ShouldBe(62);
        (await WatermarkAsync()).ShouldBe(ServiceHost.Start.AddHours(31));
    }

    [Fact]
    public async Task ASegmentClosedLate_CorrectsItsHours_WithinTheLookBack()
    {
        var server = await ServerAsync();
        Host.Clock.Advance(TimeSpan.FromMinutes(135));
        await RollUpAsync();
        (await StoredAsync()).Count.ShouldBe(2);

        // A correction of the past: the server really stopped billing half an hour in.
        await Host.ReadAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE usage_segments SET period_end = {ServiceHost.Start.AddMinutes(30)} WHERE instance_id = {server.Id}", Ct));
        await RollUpAsync();

        var stored = await StoredAsync();
        stored.Select(h => (h.Hour, Math.Round(h.Amount, 9))).ShouldBe([(ServiceHost.Start, Math.Round(Small / 2, 9))]);   // the empty hour is gone
        var read = await HoursAsync(server.Id);
        read.Select(r => (r.Period, Math.Round(r.Amount, 9))).ShouldBe([(ServiceHost.Start, Math.Round(Small / 2, 9))]);
    }

    [Fact]
    public async Task ReadsOfPartialHours_AndPerTenant_AgreeWithTheSegments()
    {
        var server = await ServerAsync(tenant: Bob);
        Host.Clock.Advance(TimeSpan.FromHours(5));
        var period = new UsageQuery(ServiceHost.Start.AddMinutes(20), ServiceHost.Start.AddMinutes(250), UsageGrouping.Tenant);
        var before = await Host.AsAsync<IUsageTotals, IReadOnlyList<UsageRow>>(AccessScope.System, u => u.QueryAsync(period, Ct));
        await RollUpAsync();

        var after = await Host.AsAsync<IUsageTotals, IReadOnlyList<UsageRow>>(AccessScope.System, u => u.QueryAsync(period, Ct));
        var asAlice = await Host.AsAsync<IUsageTotals, IReadOnlyList<UsageRow>>(ServiceHost.Customer(Alice.Id), u => u.QueryAsync(period, Ct));

        after.ShouldBe(before);
        Math.Round(after.Single().Amount, 9).ShouldBe(Math.Round(Small * 230 / 60, 9));
        asAlice.ShouldBeEmpty();   // rollups are scoped as the segments are
        (await UsageAsync(UsageGrouping.Day, instance: server.Id)).Single().VCpuHours.ShouldBe(5m);
    }

    [Theory]
    [InlineData(7, 2, "divide an hour evenly")]
    [InlineData(0, 2, "IntervalMinutes")]
    [InlineData(5, -1, "LookBackHours")]
    public void BadOptions_AreRefused(int interval, int lookBack, string reason)
    {
        var options = new UsageRollupOptions { IntervalMinutes = interval, LookBackHours = lookBack };
        var results = new List<ValidationResult>();

        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true).ShouldBeFalse();

        string.Join(" ", results.Select(r => r.ErrorMessage)).ShouldContain(reason);
    }

    private Task<int> RollUpAsync() => Host.AsAsync<UsageRollup, int>(AccessScope.System, r => r.RunAsync(Ct));

    private Task<List<Stored>> StoredAsync() =>
        Host.ReadAsync(db => db.UsageHours.AsNoTracking().OrderBy(h => h.Hour).ThenBy(h => h.TenantId)
            .Select(h => new Stored(h.InstanceId, h.Hour, h.TenantId, h.Currency, h.MemoryGiBHours, h.GuaranteedGiBHours, h.VCpuHours, h.DiskGiBMonths, h.Amount))
            .ToListAsync(Ct));

    /// <summary>A <see cref="UsageHour"/> compared by value.</summary>
    private sealed record Stored(Guid InstanceId, DateTimeOffset Hour, Guid TenantId, string Currency,
        decimal MemoryGiBHours, decimal GuaranteedGiBHours, decimal VCpuHours, decimal DiskGiBMonths, decimal Amount);

    private Task<DateTimeOffset> WatermarkAsync() =>
        Host.ReadAsync(db => db.Set<UsageRollupState>().Select(s => s.RolledUpUntil).SingleAsync(Ct));

    private Task<IReadOnlyList<UsageRow>> HoursAsync(Guid instance) => UsageAsync(UsageGrouping.Hour, instance: instance);

    private Task<IReadOnlyList<UsageRow>> UsageAsync(UsageGrouping groupBy, Guid? instance = null) =>
        Host.AsAsync<IUsageTotals, IReadOnlyList<UsageRow>>(AccessScope.System, u => u.QueryAsync(
            new UsageQuery(ServiceHost.Start.AddDays(-1), ServiceHost.Start.AddYears(1), groupBy, null, instance), Ct));
}
