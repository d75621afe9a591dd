using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Billing.Quotes;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.ServiceLayer;

namespace VzPanel.IntegrationTests.Billing;

/// <summary>The price before a change, on real PostgreSQL: the plan's prices, its bounds, the caller's scope, and nothing queued.</summary>
public sealed class PriceQuoteTests(PostgresServer server) : ServiceLayerTest(server)
{
    // The plan: 0.004 per GiB-hour, half of that more per guaranteed GiB, 0.01 per vCPU-hour, 0.073 per GiB-month of disk; 256 MiB–16 GiB, 8 vCPUs.
    private const decimal Disk10GiBHourly = 10 * 0.073m / 730;

    [Fact]
    public async Task AMemoryChange_IsPricedNowAndAfter_PerHourAndPerMonth_WithItsLines()
    {
        var server = await ServerAsync(memoryMiB: 1024, guaranteePercent: 50, vcpus: 2, diskGiB: 10);

        var quote = (await QuoteAsync(ServiceHost.Customer(Alice.Id), server.Id, new ShapeChange(Memory: "2G"))).Value!;

        var now = 1 * 0.004m + 0.5m * 0.002m + 2 * 0.01m + Disk10GiBHourly;
        var after = 2 * 0.004m + 1m * 0.002m + 2 * 0.01m + Disk10GiBHourly;
        (quote.Currency, quote.HourlyNow, quote.HourlyAfter).ShouldBe(("EUR", now, after));
        (quote.MonthlyNow, quote.MonthlyAfter).ShouldBe((now * 730, after * 730));
        quote.MonthlyDifference.ShouldBe(0.005m * 730);   // +1 GiB and +0.5 GiB guaranteed
        quote.Lines.Select(l => (l.Item, l.Quantity, l.UnitPrice)).ShouldBe([
            ("memory", 2m, 0.004m), ("guaranteed-memory", 1m, 0.002m), ("vcpu", 2m, 0.01m), ("disk", 10m, 0.073m)]);
    }

    [Fact]
    public async Task FieldsLeftOut_StayAsTheyAre_AndEachPricedChangeMovesOnlyItsLine()
    {
        var server = await ServerAsync(memoryMiB: 2048, guaranteePercent: 0, vcpus: 1, kind: InstanceKind.Vm, diskGiB: 10);

        var unchanged = (await QuoteAsync(ServiceHost.Admin, server.Id, new ShapeChange())).Value!;
        var vcpus = (await QuoteAsync(ServiceHost.Admin, server.Id, new ShapeChange(VCpus: 4))).Value!;
        var guarantee = (await QuoteAsync(ServiceHost.Admin, server.Id, new ShapeChange(MemoryGuaranteePercent: 100))).Value!;
        var disk = (await QuoteAsync(ServiceHost.Admin, server.Id, new ShapeChange(Disk: "20G"))).Value!;

        unchanged.HourlyDifference.ShouldBe(0);
        vcpus.HourlyDifference.ShouldBe(3 * 0.01m);
        guarantee.HourlyDifference.ShouldBe(2 * 0.002m);
        disk.HourlyDifference.ShouldBe(10 * 0.073m / 730);
    }

    [Fact]
    public async Task PastThePlansBounds_TheQuoteIsRefusedWithTheBound()
    {
        var server = await ServerAsync(kind: InstanceKind.Vm);
        await Host.ReadAsync(db => db.Plans.ExecuteUpdateAsync(p => p.SetProperty(x => x.DiskMaxGiB, 100), Ct));

        var memory = await QuoteAsync(ServiceHost.Admin, server.Id, new ShapeChange(Memory: "32G"));
        var vcpus = await QuoteAsync(ServiceHost.Admin, server.Id, new ShapeChange(VCpus: 9));
        var disk = await QuoteAsync(ServiceHost.Admin, server.Id, new ShapeChange(Disk: "200G"));
        var shrink = await QuoteAsync(ServiceHost.Admin, server.Id, new ShapeChange(Disk: "5G"));
        var unit = await QuoteAsync(ServiceHost.Admin, server.Id, new ShapeChange(Memory: "lots"));

        memory.Error!.Message.ShouldBe("Plan 'standard' allows 256M to 16G of memory, not 32G.");
        vcpus.Error!.Message.ShouldBe("Plan 'standard' allows at most 8 vCPUs, not 9.");
        disk.Error!.Message.ShouldBe("Plan 'standard' allows disks up to 100 GiB, not 200 GiB.");
        shrink.Error!.Message.ShouldContain("Disks only grow");
        new[] { memory, vcpus, disk, shrink, unit }.ShouldAllBe(r => r.Error!.Code == ErrorCodes.Validation);
        (await ContainerDiskQuoteAsync()).Error!.Code.ShouldBe(ErrorCodes.Conflict);
    }

    [Fact]
    public async Task ACustomer_CannotPriceAnotherCustomersServer_ItIsNotFound()
    {
        var bobs = await ServerAsync(tenant: Bob);

        var asAlice = await QuoteAsync(ServiceHost.Customer(Alice.Id), bobs.Id, new ShapeChange(Memory: "2G"));

        asAlice.Error!.Code.ShouldBe(ErrorCodes.NotFound);
    }

    [Fact]
    public async Task ANewServer_IsPricedOnTheCustomersOwnPlan_StaffNameTheCustomer()
    {
        await Host.ReadAsync(db => db.Plans.ExecuteUpdateAsync(p => p.SetProperty(x => x.PricePerGiBHour, 0.008m), Ct));
        var command = new CreateInstanceCommand { Spec = new InstanceSpec { Name = "", Memory = "4G", MemoryGuaranteePercent = 25, VCpus = 2, Disk = "20G" } };

        var asCustomer = (await NewServerQuoteAsync(ServiceHost.Customer(Alice.Id), command with { TenantId = Bob.Id })).Value!;
        var staffWithout = await NewServerQuoteAsync(ServiceHost.Support, command);
        var staffFor = (await NewServerQuoteAsync(ServiceHost.Support, command with { TenantId = Bob.Id })).Value!;

        var hourly = 4 * 0.008m + 1 * 0.004m + 2 * 0.01m + 20 * 0.073m / 730;
        (asCustomer.HourlyNow, asCustomer.HourlyAfter).ShouldBe((0m, hourly));
        staffFor.HourlyAfter.ShouldBe(hourly);
        staffWithout.Error!.Fields!.Keys.ShouldBe(["tenantId"]);
    }

    [Fact]
    public async Task AQuote_QueuesNothing_AndChangesNothing()
    {
        var server = await ServerAsync(memoryMiB: 1024);
        var segments = await SegmentsAsync(server.Id);

        (await QuoteAsync(ServiceHost.Admin, server.Id, new ShapeChange(Memory: "4G", VCpus: 4))).IsSuccess.ShouldBeTrue();

        (await Host.ReadAsync(db => db.Operations.CountAsync(Ct))).ShouldBe(0);
        Host.Jobs.Dispatched.ShouldBe(0);
        (await Host.InstanceAsync(server.Id))!.MemoryMiB.ShouldBe(1024);
        (await SegmentsAsync(server.Id)).Count.ShouldBe(segments.Count);
    }

    [Fact]
    public async Task ACreateOrDiskGrowPastThePlansDiskBound_IsRefused()
    {
        var vm = await ServerAsync(kind: InstanceKind.Vm, diskGiB: 10);
        await Host.ReadAsync(db => db.Plans.ExecuteUpdateAsync(p => p.SetProperty(x => x.DiskMaxGiB, 50), Ct));

        var grow = await Host.AdminAsync((c, ct) => c.ResizeDiskAsync(vm.Id, "60G", ct));
        var create = await Host.AdminAsync((c, ct) => c.CreateAsync(new CreateInstanceCommand
        {
            Spec = new InstanceSpec { Name = "big-disk", Kind = InstanceKind.Vm, Template = "debian-12", Memory = "1G", Disk = "64G" }, TenantId = Alice.Id,
        }, ct));

        grow.Error!.Message.ShouldBe("Plan 'standard' allows disks up to 50 GiB, not 60 GiB.");
        create.Error!.Fields!.Keys.ShouldBe(["disk"]);
        (await Host.ReadAsync(db => db.Operations.CountAsync(Ct))).ShouldBe(0);
    }

    private async Task<Result<PriceQuote>> ContainerDiskQuoteAsync()
    {
        var ct = await ServerAsync(kind: InstanceKind.Ct);
        return await QuoteAsync(ServiceHost.Admin, ct.Id, new ShapeChange(Disk: "20G"));
    }

    private Task<Result<PriceQuote>> QuoteAsync(AccessScope scope, Guid instanceId, ShapeChange change) =>
        Host.AsAsync<IPriceQuotes, Result<PriceQuote>>(scope, q => q.ForChangeAsync(instanceId, change, Ct));

    private Task<Result<PriceQuote>> NewServerQuoteAsync(AccessScope scope, CreateInstanceCommand command) =>
        Host.AsAsync<IPriceQuotes, Result<PriceQuote>>(scope, q => q.ForNewServerAsync(command, Ct));
}
