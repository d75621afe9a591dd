using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Billing.Usage;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing.Credit;

/// <summary>A tenant's credit ledger and balance: anyone who may see the tenant reads them; only administrators add credit.</summary>
public interface ICreditBalances
{
    Task<Result<BalanceView>> GetAsync(Guid tenantId, CancellationToken ct);
    Task<Result<IReadOnlyList<CreditView>>> CreditsAsync(Guid tenantId, CancellationToken ct);

    /// <summary>Adds a credit or correction line, audited; a tenant suspended for non-payment is reactivated at once when it is back above zero.</summary>
    Task<Result<CreditView>> AddAsync(Guid tenantId, CreditDraft draft, CancellationToken ct);
}

/// <summary>
/// The balance is the credit lines' sum minus all usage up to now (read through <see cref="IUsageTotals"/>, so it agrees with
/// the usage API and the statements), rounded once to the cent. Reads through the scoped context: another tenant is not found.
/// </summary>
public sealed class CreditBalances(
    IDbContextFactory<VzPanelDbContext> dbFactory, CurrentAccess access, IUsageTotals usage, AuditLog audit, PanelEvents events,
    PrepaidEnforcement enforcement, IOptions<BillingOptions> options, TimeProvider clock) : ICreditBalances
{
    public async Task<Result<BalanceView>> GetAsync(Guid tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => new { t.Id, t.Plan }).SingleOrDefaultAsync(ct);
        if (tenant?.Plan is not { } plan) return Error.NotFound("Customer");
        var credits = await db.CreditEntries.Where(c => c.TenantId == tenantId).SumAsync(c => (decimal?)c.Amount, ct) ?? 0m;
        var used = (await usage.QueryAsync(new UsageQuery(DateTimeOffset.UnixEpoch, clock.GetUtcNow(), UsageGrouping.Tenant, tenantId), ct))
            .Sum(r => r.Amount);
        var open = await db.UsageSegments.AsNoTracking().Where(u => u.TenantId == tenantId && u.To == null).ToListAsync(ct);
        var hourly = open.Sum(u => u.Prices.Hourly(u.Shape));
        var standing = await db.PrepaidStandings.AsNoTracking().SingleOrDefaultAsync(s => s.TenantId == tenantId, ct);

        var rounded = Money.Cents(used);
        var balance = credits - rounded;
        var prepaid = plan.Billing == PlanBilling.Prepaid;
        var threshold = options.Value.LowBalanceThreshold;
        var state = !prepaid ? BalanceState.Ok : balance <= 0 ? BalanceState.Exhausted : balance < threshold ? BalanceState.Low : BalanceState.Ok;
        double? hoursLeft = balance > 0 && hourly > 0 ? (double)(balance / hourly) : null;
        return new BalanceView(tenantId, plan.Currency, prepaid, credits, rounded, balance, hourly, hoursLeft, state, threshold,
            standing?.ExhaustedSince, standing?.SuspendedForNonPaymentAt is not null) { Enforced = options.Value.EnforcePrepaid };
    }

    public async Task<Result<IReadOnlyList<CreditView>>> CreditsAsync(Guid tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)) return Error.NotFound("Customer");
        var lines = await db.CreditEntries.AsNoTracking().Where(c => c.TenantId == tenantId).OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .Select(c => new CreditView(c.Id, c.TenantId, c.Amount, c.Currency, c.Note, c.CreatedBy, c.CreatedAt)).ToListAsync(ct);
        return lines;
    }

    public async Task<Result<CreditView>> AddAsync(Guid tenantId, CreditDraft draft, CancellationToken ct)
    {
        if (Denied() is { } denied) return denied;
        if (CreditRules.Check(draft) is { } invalid) return invalid;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => new { t.Id, t.Name, t.Plan }).SingleOrDefaultAsync(ct);
        if (tenant?.Plan is null) return Error.NotFound("Customer");

        var line = new CreditEntry
        {
            TenantId = tenantId, Amount = draft.Amount, Currency = tenant.Plan.Currency, Note = draft.Note!.Trim(), CreatedBy = access.Scope.ActorName,
            CreatedAt = clock.GetUtcNow(),
        };
        db.CreditEntries.Add(line);
        var what = draft.Amount > 0 ? $"Added {Money.Show(draft.Amount, line.Currency)} credit" : $"Took back {Money.Show(-draft.Amount, line.Currency)}";
        audit.Add(db, new AuditEntry("billing.credit", $"{what} for {tenant.Name}: {line.Note}")
            { TenantId = tenantId, TargetType = "tenant", TargetId = tenantId.ToString() });
        await db.SaveChangesAsync(ct);
        events.Publish(new TenantChanged(tenantId));
        // Credit that brings a stopped tenant back starts its servers now, not at the next check.
        await enforcement.CheckAsync(tenantId, ct);
        return new CreditView(line.Id, tenantId, line.Amount, line.Currency, line.Note, line.CreatedBy, line.CreatedAt);
    }

    private Error? Denied() => access.Scope switch
    {
        { IsSystem: true } or { Role: PanelRole.Admin } => null,
        { Role: PanelRole.Support } => Error.Forbidden("Support accounts are read-only; ask an administrator to add credit."),
        _ => Error.Forbidden("Only administrators add credit."),
    };
}
