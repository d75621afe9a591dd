using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.ServiceLayer;

namespace VzPanel.IntegrationTests.Billing;

/// <summary>
/// Prepaid credit on real PostgreSQL with a clock the test moves: the ledger, the balance (credit minus usage up to now, to
/// the cent), and the enforcement: warned below the threshold, stopped and suspended after the grace period at zero,
/// started again when credit returns. Defaults: warned below 5.00, 24 h of grace.
/// </summary>
public sealed class PrepaidCreditTests(PostgresServer server) : ServiceLayerTest(server)
{
    // 1 GiB, no guarantee, 1 vCPU, 10 GiB disk on the test plan: 0.004 + 0.01 + 10 × 0.073 / 730 = 0.015 an hour.
    private const decimal Hourly = 0.015m;

    [Fact]
    public async Task Credit_IsAddedByAdminsOnly_InWholeCents_WithAReason_AndAudited()
    {
        var support = await AddAsync(ServiceHost.Support, Alice.Id, 10m, "goodwill");
        var customer = await AddAsync(ServiceHost.Customer(Alice.Id), Alice.Id, 10m, "free money");
        var zero = await AddAsync(ServiceHost.Admin, Alice.Id, 0m, "nothing");
        var fraction = await AddAsync(ServiceHost.Admin, Alice.Id, 0.001m, "a tenth of a cent");
        var absurd = await AddAsync(ServiceHost.Admin, Alice.Id, 2_000_000m, "too much");
        var noReason = await AddAsync(ServiceHost.Admin, Alice.Id, 10m, " ");
        var otherTenant = await AddAsync(ServiceHost.Admin, Guid.NewGuid(), 10m, "nobody");

        var added = (await AddAsync(ServiceHost.Admin, Alice.Id, 25m, "Payment #42")).Value!;
        var corrected = (await AddAsync(ServiceHost.Admin, Alice.Id, -5.5m, "Refund of #41")).Value!;

        (support.Error!.Code, customer.Error!.Code).ShouldBe((ErrorCodes.Forbidden, ErrorCodes.Forbidden));
        new[] { zero, fraction, absurd, noReason }.ShouldAllBe(r => r.Error!.Code == CreditRules.InvalidCredit);
        noReason.Error!.Fields!.Keys.ShouldBe(["note"]);
        otherTenant.Error!.Code.ShouldBe(ErrorCodes.NotFound);
        (added.Amount, added.Currency, added.Note, corrected.Amount).ShouldBe((25m, "EUR", "Payment #42", -5.5m));
        (await BalanceAsync(ServiceHost.Admin, Alice.Id)).Credits.ShouldBe(19.5m);
        var audit = await Host.ReadAsync(db => db.AuditEvents.Where(a => a.Action == "billing.credit").OrderBy(a => a.Id).Select(a => a.Summary).ToListAsync(Ct));
        audit.ShouldBe(["Added 25.00 EUR credit for alice: Payment #42", "Took back 5.50 EUR for alice: Refund of #41"]);
    }

    [Fact]
    public async Task TheBalance_IsCreditMinusUsageUpToNow_ToTheCent_AndOnlyItsTenantSeesIt()
    {
        await AddAsync(ServiceHost.Admin, Alice.Id, 10m, "Payment");
        await ServerAsync(memoryMiB: 1024, guaranteePercent: 0, vcpus: 1, diskGiB: 10);
        Host.Clock.Advance(TimeSpan.FromHours(100) + TimeSpan.FromMinutes(20));   // the hour in progress counts

        var balance = await BalanceAsync(ServiceHost.Customer(Alice.Id), Alice.Id);

        (balance.Credits, balance.Usage, balance.Balance, balance.HourlyNow).ShouldBe((10m, 1.51m, 8.49m, Hourly));   // 100⅓ h × 0.015 = 1.505 → 1.51
        balance.HoursLeft!.Value.ShouldBe((double)(8.49m / Hourly), 0.001);
        balance.State.ShouldBe(BalanceState.Ok);
        var asBob = await Host.AsAsync<ICreditBalances, Result<BalanceView>>(ServiceHost.Customer(Bob.Id), b => b.GetAsync(Alice.Id, Ct));
        asBob.Error!.Code.ShouldBe(ErrorCodes.NotFound);
    }

    [Fact]
    public async Task RunningOutOfCredit_WarnsThenStopsAndSuspendsAfterTheGracePeriod_AndNewCreditStartsItAllAgain()
    {
        var server = await ServerAsync(memoryMiB: 1024, guaranteePercent: 0, vcpus: 1, diskGiB: 10);
        await AddAsync(ServiceHost.Admin, Alice.Id, 1m, "Trial credit");   // below the threshold: warned at once
        (await EventsAsync("balance.low")).ShouldBe(1);

        Host.Clock.Advance(TimeSpan.FromHours(60));   // 0.90 used, 0.10 left
        await EnforceAsync();
        Host.Clock.Advance(TimeSpan.FromHours(10));   // 1.05 used: below zero, the grace period starts
        await EnforceAsync();
        (await StandingAsync()).ExhaustedSince.ShouldBe(Host.Clock.GetUtcNow());
        (await Host.ReadAsync(db => db.Operations.CountAsync(Ct))).ShouldBe(0);
        (await TenantStateAsync()).ShouldBe(TenantState.Active);

        Host.Clock.Advance(TimeSpan.FromHours(24));
        await EnforceAsync();
        await EnforceAsync();   // idempotent: one stop, one suspension, one event

        var stop = await Host.ReadAsync(db => db.Operations.SingleAsync(Ct));
        (stop.Kind, stop.TargetId).ShouldBe((OperationKind.Stop, server.Id));
        (await TenantStateAsync()).ShouldBe(TenantState.Suspended);
        (await EventsAsync("tenant.suspended")).ShouldBe(1);
        (await Host.RunJobAsync(stop.Id)).Operation.State.ShouldBe(OperationState.Succeeded);
        (await Host.InstanceAsync(server.Id))!.State.ShouldBe(InstanceState.Stopped);
        (await BalanceAsync(ServiceHost.Admin, Alice.Id)).SuspendedForNonPayment.ShouldBeTrue();

        await AddAsync(ServiceHost.Admin, Alice.Id, 20m, "Payment #7");   // back above zero: reactivated now, not at the next check

        (await TenantStateAsync()).ShouldBe(TenantState.Active);
        var start = await Host.ReadAsync(db => db.Operations.SingleAsync(o => o.Kind == OperationKind.Start, Ct));
        start.TargetId.ShouldBe(server.Id);
        (await EventsAsync("tenant.reactivated")).ShouldBe(1);
        (await Host.ReadAsync(db => db.NonPaymentStops.CountAsync(Ct))).ShouldBe(0);
        var audit = await Host.ReadAsync(db => db.AuditEvents.Where(a => a.Actor == "billing" && a.TenantId == Alice.Id).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(Ct));
        audit.ShouldBe(["billing.balance-low", "instance.stop", "tenant.suspend", "operation.succeeded", "instance.start", "tenant.resume"]);   // the stop and start are the billing's too
    }

    [Fact]
    public async Task CreditNeverLiftsAnAdministratorsSuspension_AndPostpaidTenantsAreNeverStopped()
    {
        await Host.ReadAsync(db => db.Plans.ExecuteUpdateAsync(p => p.SetProperty(x => x.Billing, PlanBilling.Postpaid), Ct));
        await ServerAsync(tenant: Bob);
        Host.Clock.Advance(TimeSpan.FromDays(40));
        await EnforceAsync();
        (await Host.ReadAsync(db => db.Operations.CountAsync(Ct))).ShouldBe(0);
        (await BalanceAsync(ServiceHost.Admin, Bob.Id)).State.ShouldBe(BalanceState.Ok);   // postpaid: billed, never cut off

        await Host.AsAsync<ITenantCommands, Result<TenantView>>(ServiceHost.Admin, t => t.SuspendAsync(Alice.Id, Ct));
        await AddAsync(ServiceHost.Admin, Alice.Id, 50m, "Payment");

        (await TenantStateAsync()).ShouldBe(TenantState.Suspended);
    }

    private Task<Result<CreditView>> AddAsync(AccessScope scope, Guid tenantId, decimal amount, string note) =>
        Host.AsAsync<ICreditBalances, Result<CreditView>>(scope, b => b.AddAsync(tenantId, new CreditDraft(amount, note), Ct));

    private async Task<BalanceView> BalanceAsync(AccessScope scope, Guid tenantId) =>
        (await Host.AsAsync<ICreditBalances, Result<BalanceView>>(scope, b => b.GetAsync(tenantId, Ct))).Value!;

    private Task EnforceAsync() => Host.Services.GetRequiredService<PrepaidEnforcement>().RunAsync(Ct);

    private Task<PrepaidStanding> StandingAsync() => Host.ReadAsync(db => db.PrepaidStandings.AsNoTracking().SingleAsync(s => s.TenantId == Alice.Id, Ct));

    private Task<TenantState> TenantStateAsync() => Host.ReadAsync(db => db.Tenants.Where(t => t.Id == Alice.Id).Select(t => t.State).SingleAsync(Ct));

    private Task<int> EventsAsync(string name) => Host.ReadAsync(db => db.BillingEvents.CountAsync(e => e.Name == name && e.TenantId == Alice.Id, Ct));
}
