using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Billing.Notifications;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing.Credit;

/// <summary>
/// Keeps prepaid tenants within their credit, level-triggered and idempotent (each check looks at the balance now and moves
/// the tenant's standing one way or the other): below the threshold it is warned once; at zero a grace period starts; after
/// it, running servers are stopped (not deleted) and the tenant is suspended; when credit returns, that suspension is lifted
/// and the servers it stopped start again. A tenant an administrator suspended stays suspended. One replica at a time per
/// tenant (an advisory lock).
/// </summary>
public sealed class PrepaidEnforcement(IServiceScopeFactory scopes, IOptions<BillingOptions> options, TimeProvider clock, ILogger<PrepaidEnforcement> logger)
{
    private const string Actor = "billing";

    /// <summary>Checks every prepaid tenant, and every tenant the panel suspended for non-payment.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (!options.Value.EnforcePrepaid) return;
        List<Guid> tenants;
        await using (var scope = SystemScope())
        {
            await using var db = await Db(scope, ct);
            tenants = await db.Tenants.Where(t => t.Plan!.Billing == PlanBilling.Prepaid || db.PrepaidStandings.Any(s => s.TenantId == t.Id))
                .Select(t => t.Id).ToListAsync(ct);
        }
        foreach (var tenant in tenants)
        {
            try
            {
                await CheckAsync(tenant, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Checking the credit of tenant {Tenant} failed; the next check tries again", tenant);
            }
        }
    }

    public async Task CheckAsync(Guid tenantId, CancellationToken ct)
    {
        if (!options.Value.EnforcePrepaid) return;
        await using var scope = SystemScope();
        var services = scope.ServiceProvider;
        await using var db = await Db(scope, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock(hashtext('prepaid'), hashtext({tenantId.ToString()})) AS \"Value\"")
            .SingleAsync(ct);
        if (!locked) return;   // another replica checks this tenant right now

        var tenant = await db.Tenants.Include(t => t.Plan).SingleOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null) return;
        var balance = (await services.GetRequiredService<ICreditBalances>().GetAsync(tenantId, ct)).Value!;
        var standing = await db.PrepaidStandings.SingleOrDefaultAsync(s => s.TenantId == tenantId, ct);
        if (standing is null)
        {
            standing = new PrepaidStanding { TenantId = tenantId };
            db.PrepaidStandings.Add(standing);
        }
        var now = clock.GetUtcNow();
        var changes = new Changes(db, services.GetRequiredService<AuditLog>(), services.GetRequiredService<IBillingEvents>(), tenant, balance, now);

        if (!balance.Prepaid || balance.Balance > 0)
        {
            if (standing.SuspendedForNonPaymentAt is not null) await ReactivateAsync(db, services, tenant, standing, changes, ct);
            standing.ExhaustedSince = null;
        }
        if (balance.Prepaid && balance.State != BalanceState.Ok && standing.LowSince is null)
        {
            standing.LowSince = now;
            changes.Raise(BillingEvent.BalanceLow, "billing.balance-low",
                $"{tenant.Name}'s credit is down to {Money.Show(balance.Balance, balance.Currency)}, below {Money.Show(balance.LowThreshold, balance.Currency)}.");
        }
        else if (balance.State == BalanceState.Ok) standing.LowSince = null;

        if (balance.Prepaid && balance.Balance <= 0)
        {
            standing.ExhaustedSince ??= now;
            if (now - standing.ExhaustedSince >= TimeSpan.FromHours(options.Value.GraceHours))
                await StopForNonPaymentAsync(db, services, tenant, standing, changes, ct);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (changes.Any) services.GetRequiredService<PanelEvents>().Publish(new TenantChanged(tenantId));
    }

    private static async Task StopForNonPaymentAsync(
        VzPanelDbContext db, IServiceProvider services, Tenant tenant, PrepaidStanding standing, Changes changes, CancellationToken ct)
    {
        var commands = services.GetRequiredService<IInstanceCommands>();
        var stopped = await db.NonPaymentStops.Where(s => s.TenantId == tenant.Id).Select(s => s.InstanceId).ToListAsync(ct);
        var running = await db.Instances.Where(i => i.TenantId == tenant.Id && i.State == InstanceState.Running && !stopped.Contains(i.Id))
            .Select(i => i.Id).ToListAsync(ct);
        foreach (var id in running)
        {
            // A server busy with another operation is stopped at a later check.
            if ((await commands.StopAsync(id, force: false, ct)).IsSuccess)
                db.NonPaymentStops.Add(new NonPaymentStop { InstanceId = id, TenantId = tenant.Id, StoppedAt = changes.At });
        }
        if (standing.SuspendedForNonPaymentAt is not null) return;
        standing.SuspendedForNonPaymentAt = changes.At;
        tenant.State = TenantState.Suspended;
        changes.Raise(BillingEvent.TenantSuspended, "tenant.suspend",
            $"{tenant.Name} is suspended for non-payment: its credit ran out {standing.ExhaustedSince:u} and the grace period ended; "
            + $"{running.Count} running server(s) stopped, none deleted.", new { reason = "non-payment", stoppedServers = running.Count });
    }

    private static async Task ReactivateAsync(
        VzPanelDbContext db, IServiceProvider services, Tenant tenant, PrepaidStanding standing, Changes changes, CancellationToken ct)
    {
        standing.SuspendedForNonPaymentAt = null;
        tenant.State = TenantState.Active;
        var commands = services.GetRequiredService<IInstanceCommands>();
        var stops = await db.NonPaymentStops.Where(s => s.TenantId == tenant.Id).ToListAsync(ct);
        var started = 0;
        foreach (var stop in stops)
        {
            var state = await db.Instances.Where(i => i.Id == stop.InstanceId).Select(i => (InstanceState?)i.State).SingleOrDefaultAsync(ct);
            if (state == InstanceState.Stopping) continue;   // still going down: started at the next check
            if (state == InstanceState.Stopped && !(await commands.StartAsync(stop.InstanceId, ct)).IsSuccess) continue;
            if (state == InstanceState.Stopped) started++;
            db.NonPaymentStops.Remove(stop);
        }
        changes.Raise(BillingEvent.TenantReactivated, "tenant.resume",
            $"{tenant.Name} is active again: its credit is {Money.Show(changes.Balance.Balance, changes.Balance.Currency)}; {started} server(s) stopped for non-payment started again.",
            new { startedServers = started });
    }

    private AsyncServiceScope SystemScope()
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System with { ActorName = Actor };
        return scope;
    }

    private static Task<VzPanelDbContext> Db(AsyncServiceScope scope, CancellationToken ct) =>
        scope.ServiceProvider.GetRequiredService<IDbContextFactory<VzPanelDbContext>>().CreateDbContextAsync(ct);

    /// <summary>What one check decided: each change audited and announced in the check's own transaction.</summary>
    private sealed class Changes(VzPanelDbContext db, AuditLog audit, IBillingEvents billing, Tenant tenant, BalanceView balance, DateTimeOffset at)
    {
        public DateTimeOffset At => at;
        public BalanceView Balance => balance;
        public bool Any { get; private set; }

        public void Raise(string billingEvent, string auditAction, string summary, object? extra = null)
        {
            Any = true;
            audit.Add(db, new AuditEntry(auditAction, summary) { TenantId = tenant.Id, TargetType = "tenant", TargetId = tenant.Id.ToString(), Actor = Actor });
            billing.Raise(db, billingEvent, tenant.Id, new { tenant = tenant.Name, balance = balance.Balance, currency = balance.Currency, detail = extra }, at);
        }
    }
}
