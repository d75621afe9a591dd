using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Billing.Plans;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.ServiceLayer;

namespace VzPanel.IntegrationTests.Billing;

/// <summary>
/// Plans through the real service layer on PostgreSQL: every field checked, names unique, price changes to a plan in use
/// confirmed and billed from that instant, retired plans kept but not chosen, plans in use not deleted, scoped reads.
/// </summary>
public sealed class PlanCommandsTests(PostgresServer server) : ServiceLayerTest(server)
{
    private static readonly PlanInput Premium = new()
    {
        Name = "premium", MemoryMinMiB = 512, MemoryMaxMiB = 65536, VCpuMax = 32, DiskMaxGiB = 2048, PricePerGiBHour = 0.006m,
        PricePerVCpuHour = 0.02m, PricePerDiskGiBMonth = 0.1m, GuaranteePremiumShare = 0.25m, Currency = "USD", Billing = PlanBilling.Postpaid,
    };

    private Guid Standard => Alice.PlanId;

    [Fact]
    public async Task Create_SavesEveryField_AndAuditsThem()
    {
        var created = await AsAdminAsync(c => c.CreateAsync(Premium with { Name = "  premium " }, Ct));

        created.Error.ShouldBeNull();
        created.Value.ShouldBe(new PlanView(created.Value!.Id, "premium", 512, 65536, 32, 2048, 0.006m, 0.02m, 0.1m, 0.25m, "USD",
            PlanBilling.Postpaid, false, null, 0, 0));
        (await AuditAsync(created.Value.Id)).ShouldBe([("plan.create", "Added plan premium: memory 512–65536 MiB, up to 32 vCPUs and 2048 GiB disk; "
            + "0.006 per GiB-hour, 0.02 per vCPU-hour, 0.1 per disk GiB-month, guarantee premium 0.25; USD, Postpaid.")]);
    }

    [Theory]
    [InlineData("pricePerGiBHour", "pricePerGiBHour must be from 0 to 1000, not -0.01.")]
    [InlineData("pricePerVCpuHour", "pricePerVCpuHour must be from 0 to 1000, not 5000.")]
    [InlineData("pricePerDiskGiBMonth", "pricePerDiskGiBMonth has at most 6 decimals, not 0.0000001.")]
    [InlineData("guaranteePremiumShare", "guaranteePremiumShare is a share of the memory price from 0 to 10 (0.25 = a quarter more), not 11.")]
    [InlineData("memoryMaxMiB", "memoryMaxMiB (256) cannot be below memoryMinMiB (512).")]
    [InlineData("vCpuMax", "vCpuMax must be at least 1, not 0.")]
    [InlineData("diskMaxGiB", "diskMaxGiB must be at least 1 GiB, not -5.")]
    [InlineData("currency", "currency is a three-letter upper-case ISO 4217 code such as EUR or USD, not 'eur'.")]
    [InlineData("billing", "billing is Prepaid or Postpaid.")]
    [InlineData("name", "Give the plan a name.")]
    public async Task Create_BadInput_IsRefusedNamingTheFieldAndWhy(string field, string why)
    {
        var input = field switch
        {
            "pricePerGiBHour" => Premium with { PricePerGiBHour = -0.01m },
            "pricePerVCpuHour" => Premium with { PricePerVCpuHour = 5000m },
            "pricePerDiskGiBMonth" => Premium with { PricePerDiskGiBMonth = 0.0000001m },
            "guaranteePremiumShare" => Premium with { GuaranteePremiumShare = 11m },
            "memoryMaxMiB" => Premium with { MemoryMaxMiB = 256 },
            "vCpuMax" => Premium with { VCpuMax = 0 },
            "diskMaxGiB" => Premium with { DiskMaxGiB = -5 },
            "currency" => Premium with { Currency = "eur" },
            "billing" => Premium with { Billing = (PlanBilling)7 },
            _ => Premium with { Name = "   " },
        };

        var result = await AsAdminAsync(c => c.CreateAsync(input, Ct));

        (result.Error!.Code, result.Error.Message).ShouldBe(("invalid_plan", why));
        result.Error.Fields!.Keys.ShouldBe([field]);
        (await Host.ReadAsync(db => db.Plans.CountAsync(Ct))).ShouldBe(1);
    }

    [Fact]
    public async Task Create_WithoutPrices_IsRefused_NotDefaulted()
    {
        var result = await AsAdminAsync(c => c.CreateAsync(new PlanInput { Name = "cheap", Currency = "EUR", Billing = PlanBilling.Prepaid }, Ct));

        result.Error!.Code.ShouldBe("invalid_plan");
        result.Error.Fields!.Keys.ShouldBe(["memoryMinMiB", "memoryMaxMiB", "vCpuMax", "diskMaxGiB", "pricePerGiBHour", "pricePerVCpuHour", "pricePerDiskGiBMonth"]);
    }

    [Fact]
    public async Task NamesAreUnique_WhateverTheirCase()
    {
        var premium = (await AsAdminAsync(c => c.CreateAsync(Premium, Ct))).Value!;

        var again = await AsAdminAsync(c => c.CreateAsync(Premium with { Name = "PREMIUM" }, Ct));
        var rename = await AsAdminAsync(c => c.UpdateAsync(premium.Id, new PlanInput { Name = "Standard" }, Ct));

        (again.Error!.Code, again.Error.Message).ShouldBe(("plan_name_taken", "There is already a plan named 'PREMIUM'."));
        (rename.Error!.Code, rename.Error.Message).ShouldBe(("plan_name_taken", "There is already a plan named 'Standard'."));
    }

    [Fact]
    public async Task NewPrices_ForAPlanWithServers_NeedConfirmation_ThenBillFromThatInstant()
    {
        var server = await ServerAsync(tenant: Alice, memoryMiB: 2048);
        Host.Clock.Advance(TimeSpan.FromMinutes(30));
        var change = new PlanInput { PricePerGiBHour = 0.008m };

        var unconfirmed = await AsAdminAsync(c => c.UpdateAsync(Standard, change, Ct));

        (unconfirmed.Error!.Code, unconfirmed.Error.Message).ShouldBe(("plan_change_needs_confirmation",
            "Changing the prices or bounds of standard affects 2 customers with 1 server: their servers are billed at the new prices "
            + "from the moment it is saved. Confirm to go ahead."));
        (unconfirmed.Error.Details!["customers"], unconfirmed.Error.Details["servers"]).ShouldBe((2, 1));
        (await SegmentsAsync(server.Id)).ShouldHaveSingleItem().PriceMemoryGiBHour.ShouldBe(0.004m);
        (await Host.ReadAsync(db => db.Plans.SingleAsync(p => p.Id == Standard, Ct))).PricePerGiBHour.ShouldBe(0.004m);

        var confirmed = await AsAdminAsync(c => c.UpdateAsync(Standard, change with { Confirm = true }, Ct));

        confirmed.Value!.PricePerGiBHour.ShouldBe(0.008m);
        var at = ServiceHost.Start.AddMinutes(30);
        (await SegmentsAsync(server.Id)).Select(s => (s.From, s.To, s.PriceMemoryGiBHour, s.MemoryMiB)).ShouldBe([
            (ServiceHost.Start, at, 0.004m, 2048L),
            (at, (DateTimeOffset?)null, 0.008m, 2048L)]);
        (await AuditAsync(Standard)).ShouldBe([("plan.update", "Plan standard: pricePerGiBHour 0.004 → 0.008.")]);
    }

    [Fact]
    public async Task Renaming_APlanWithServers_NeedsNoConfirmation_AndLeavesUsageAlone()
    {
        var server = await ServerAsync(tenant: Alice);
        Host.Clock.Advance(TimeSpan.FromMinutes(30));

        var renamed = await AsAdminAsync(c => c.UpdateAsync(Standard, new PlanInput { Name = "basic", Billing = PlanBilling.Postpaid }, Ct));

        (renamed.Value!.Name, renamed.Value.Billing, renamed.Value.TenantCount, renamed.Value.ServerCount).ShouldBe(("basic", PlanBilling.Postpaid, 2, 1));
        (await SegmentsAsync(server.Id)).ShouldHaveSingleItem().To.ShouldBeNull();
        (await AuditAsync(Standard)).ShouldBe([("plan.update", "Plan standard: name standard → basic; billing Prepaid → Postpaid.")]);
    }

    [Fact]
    public async Task ARetiredPlan_KeepsItsCustomers_ButCannotBeChosen()
    {
        var retired = await AsAdminAsync(c => c.RetireAsync(Standard, Ct));
        var premium = (await AsAdminAsync(c => c.CreateAsync(Premium, Ct))).Value!;

        var create = await Host.AsAsync<ITenantCommands, Result<TenantView>>(ServiceHost.Admin,
            c => c.CreateAsync(new TenantDraft { Name = "carol", PlanId = Standard }, Ct));
        var move = await Host.AsAsync<ITenantCommands, Result<TenantView>>(ServiceHost.Admin,
            c => c.UpdateAsync(Bob.Id, new TenantChange { PlanId = premium.Id }, Ct));
        var back = await Host.AsAsync<ITenantCommands, Result<TenantView>>(ServiceHost.Admin,
            c => c.UpdateAsync(Bob.Id, new TenantChange { PlanId = Standard }, Ct));
        var choices = await Host.AsAsync<ITenantQueries, IReadOnlyList<PlanOption>>(ServiceHost.Admin, q => q.PlansAsync(Ct));

        (retired.Value!.Retired, retired.Value.RetiredAt).ShouldBe((true, ServiceHost.Start));
        (create.Error!.Code, create.Error.Message).ShouldBe(("plan_retired", "The plan standard is retired; choose another plan."));
        create.Error.Fields!.Keys.ShouldBe(["planId"]);
        move.Error.ShouldBeNull();
        back.Error!.Code.ShouldBe("plan_retired");
        choices.Select(p => p.Name).ShouldBe(["premium"]);
        (await Host.ReadAsync(db => db.Tenants.SingleAsync(t => t.Id == Alice.Id, Ct))).PlanId.ShouldBe(Standard);
        (await AsAdminAsync(c => c.UnretireAsync(Standard, Ct))).Value!.Retired.ShouldBeFalse();
        (await AuditAsync(Standard)).Select(a => a.Action).ShouldBe(["plan.retire", "plan.unretire"]);
    }

    [Fact]
    public async Task Delete_APlanInUse_IsRefused_AnUnusedOneGoes()
    {
        var onlyHistory = (await AsAdminAsync(c => c.CreateAsync(Premium, Ct))).Value!;
        await using (var db = Host.Database.CreateContext())
        {
            db.UsageSegments.Add(new UsageSegment { InstanceId = Guid.NewGuid(), TenantId = Bob.Id, PlanId = onlyHistory.Id, DiskGiB = 10,
                From = ServiceHost.Start.AddDays(-2), To = ServiceHost.Start.AddDays(-1) });
            await db.SaveChangesAsync(Ct);
        }
        var unused = (await AsAdminAsync(c => c.CreateAsync(Premium with { Name = "trial" }, Ct))).Value!;

        var inUse = await DeleteAsync(Standard);
        var history = await DeleteAsync(onlyHistory.Id);
        var gone = await DeleteAsync(unused.Id);

        (inUse.Error!.Code, inUse.Error.Message).ShouldBe(("plan_in_use",
            "standard is the plan of 2 customers; retire it instead (they keep it, no one else can be put on it)."));
        (history.Error!.Code, history.Error.Message).ShouldBe(("plan_in_use", "premium has billing history (1 usage record); retire it instead."));
        gone.Value.ShouldBe(unused.Id);
        (await Host.ReadAsync(db => db.Plans.Select(p => p.Name).OrderBy(n => n).ToListAsync(Ct))).ShouldBe(["premium", "standard"]);
        (await AuditAsync(unused.Id)).Select(a => a.Action).ShouldBe(["plan.create", "plan.delete"]);
    }

    [Fact]
    public async Task ACustomer_ReadsOnlyItsOwnPlan_SupportReadsAll()
    {
        await ServerAsync(tenant: Alice);
        await ServerAsync(tenant: Bob);
        var premium = (await AsAdminAsync(c => c.CreateAsync(Premium, Ct))).Value!;
        var alice = ServiceHost.Customer(Alice.Id);

        var mine = await Host.AsAsync<IPlanQueries, IReadOnlyList<PlanView>>(alice, q => q.ListAsync(Ct));
        var other = await Host.AsAsync<IPlanQueries, PlanView?>(alice, q => q.GetAsync(premium.Id, Ct));
        var all = await Host.AsAsync<IPlanQueries, IReadOnlyList<PlanView>>(ServiceHost.Support, q => q.ListAsync(Ct));

        // A customer's counts are of what it may see: itself and its own servers.
        mine.Select(p => (p.Name, p.TenantCount, p.ServerCount)).ShouldBe([("standard", 1, 1)]);
        other.ShouldBeNull();
        all.Select(p => (p.Name, p.TenantCount, p.ServerCount)).ShouldBe([("premium", 0, 0), ("standard", 2, 2)]);
    }

    [Fact]
    public async Task SupportAndCustomers_ChangeNoPlan()
    {
        var customer = ServiceHost.Customer(Alice.Id);

        var refused = new[]
        {
            await AsAsync(ServiceHost.Support, c => c.CreateAsync(Premium, Ct)),
            await AsAsync(ServiceHost.Support, c => c.UpdateAsync(Standard, new PlanInput { PricePerGiBHour = 0m, Confirm = true }, Ct)),
            await AsAsync(ServiceHost.Support, c => c.RetireAsync(Standard, Ct)),
            await AsAsync(customer, c => c.UpdateAsync(Standard, new PlanInput { PricePerGiBHour = 0m, Confirm = true }, Ct)),
            await AsAsync(customer, c => c.CreateAsync(Premium, Ct)),
        };
        var delete = await Host.AsAsync<IPlanCommands, Result<Guid>>(ServiceHost.Support, c => c.DeleteAsync(Standard, Ct));

        refused.Select(r => r.Error!.Code).ShouldAllBe(code => code == "forbidden");
        refused[0].Error!.Message.ShouldBe("Support accounts are read-only; ask an administrator to change plans.");
        refused[3].Error!.Message.ShouldBe("Only administrators change plans.");
        delete.Error!.Code.ShouldBe("forbidden");
        var plan = await Host.ReadAsync(db => db.Plans.SingleAsync(Ct));
        (plan.PricePerGiBHour, plan.RetiredAt).ShouldBe((0.004m, (DateTimeOffset?)null));
    }

    private Task<Result<PlanView>> AsAdminAsync(Func<IPlanCommands, Task<Result<PlanView>>> use) => AsAsync(ServiceHost.Admin, use);

    private Task<Result<PlanView>> AsAsync(AccessScope scope, Func<IPlanCommands, Task<Result<PlanView>>> use) =>
        Host.AsAsync<IPlanCommands, Result<PlanView>>(scope, use);

    private Task<Result<Guid>> DeleteAsync(Guid id) => Host.AsAsync<IPlanCommands, Result<Guid>>(ServiceHost.Admin, c => c.DeleteAsync(id, Ct));

    private Task<List<(string Action, string Summary)>> AuditAsync(Guid planId) =>
        Host.ReadAsync(async db => (await db.AuditEvents.AsNoTracking().Where(a => a.TargetType == "plan" && a.TargetId == planId.ToString())
            .OrderBy(a => a.Id).Select(a => new { a.Action, a.Summary }).ToListAsync(Ct)).Select(a => (a.Action, a.Summary)).ToList());
}
