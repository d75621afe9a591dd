using VzPanel.Core.Features.Billing.Usage;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.ServiceLayer;

/// <summary>Usage read back from the segments: clipped to the period, split by hour, priced at the segment's prices, scoped.</summary>
public sealed class UsageTotalsTests(PostgresServer server) : ServiceLayerTest(server)
{
    // The plan: 0.004 per GiB-hour, half of that more per guaranteed GiB, 0.01 per vCPU-hour, 0.073 per GiB-month of disk.
    private const decimal DiskHourly10GiB = 10 * 0.073m / 730;

    [Fact]
    public async Task ARunningServer_ResizedMidHour_IsBilledPerHourForWhatItHad_UpToNow()
    {
        var server = await ServerAsync(memoryMiB: 1024, guaranteePercent: 50, vcpus: 1, diskGiB: 10);
        Host.Clock.Advance(TimeSpan.FromMinutes(90));
        await Host.DoAsync((c, ct) => c.SetMemoryAsync(server.Id, "2G", ct));
        Host.Clock.Advance(TimeSpan.FromMinutes(45));   // the hour in progress counts, up to now

        var hours = await UsageAsync(AccessScope.System, UsageGrouping.Hour, instance: server.Id);

        var small = 1 * 0.004m + 0.5m * 0.002m + 0.01m + DiskHourly10GiB;   // 1 GiB, 512 MiB guaranteed
        var large = 2 * 0.004m + 1m * 0.002m + 0.01m + DiskHourly10GiB;     // 2 GiB, 1 GiB guaranteed
        hours.Select(h => (h.Period, Math.Round(h.Amount, 9))).ShouldBe([
            (ServiceHost.Start, Math.Round(small, 9)),
            (ServiceHost.Start.AddHours(1), Math.Round(small / 2 + large / 2, 9)),
            (ServiceHost.Start.AddHours(2), Math.Round(large / 4, 9))]);
        hours[1].MemoryGiBHours.ShouldBe(1.5m);
        hours[1].GuaranteedGiBHours.ShouldBe(0.75m);
        hours.Sum(h => h.VCpuHours).ShouldBe(2.25m);
        var total = (await UsageAsync(AccessScope.System, UsageGrouping.Instance, instance: server.Id)).Single();
        Math.Round(total.Amount, 6).ShouldBe(Math.Round(1.5m * small + 0.75m * large, 6));
    }

    [Fact]
    public async Task AStoppedServer_PaysForItsDiskOnly()
    {
        var server = await ServerAsync(state: InstanceState.Stopped, diskGiB: 10);
        Host.Clock.Advance(TimeSpan.FromHours(730));

        var month = (await UsageAsync(AccessScope.System, UsageGrouping.Instance, instance: server.Id)).Single();

        (month.MemoryGiBHours, month.VCpuHours, month.DiskGiBMonths, month.Amount).ShouldBe((0m, 0m, 10m, 0.73m));
    }

    [Fact]
    public async Task ACustomer_SeesOnlyItsOwnUsage_WhateverItAsksFor()
    {
        await ServerAsync(tenant: Alice);
        var bobs = await ServerAsync(tenant: Bob);
        Host.Clock.Advance(TimeSpan.FromHours(2));

        var asBob = await UsageAsync(AccessScope.ForTenant(Bob.Id), UsageGrouping.Tenant, tenant: Alice.Id);
        var asStaff = await UsageAsync(AccessScope.System, UsageGrouping.Tenant);

        asBob.Select(r => r.TenantId).ShouldBe([Bob.Id]);
        (await UsageAsync(AccessScope.ForTenant(Alice.Id), UsageGrouping.Instance, instance: bobs.Id)).ShouldBeEmpty();
        asStaff.Select(r => r.TenantId).ShouldBe(new Guid?[] { Alice.Id, Bob.Id }.OrderBy(id => id).ToList());
    }

    private Task<IReadOnlyList<UsageRow>> UsageAsync(AccessScope scope, UsageGrouping groupBy, Guid? tenant = null, Guid? instance = null) =>
        Host.AsAsync<IUsageTotals, IReadOnlyList<UsageRow>>(scope, u => u.QueryAsync(
            new UsageQuery(ServiceHost.Start.AddDays(-1), ServiceHost.Start.AddYears(1), groupBy, tenant, instance), Ct));
}
