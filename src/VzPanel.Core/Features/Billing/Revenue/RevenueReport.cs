using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Billing.Usage;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing.Revenue;

/// <summary>One named share of a month's revenue: a plan or a tenant, rounded to the cent.</summary>
public sealed record RevenueShare(Guid Id, string Name, decimal Amount);

/// <summary>A month's revenue in one currency: in all, per plan, per tenant (highest first) and per day (every day up to now).</summary>
public sealed record CurrencyRevenue(
    string Currency, decimal Total, IReadOnlyList<RevenueShare> ByPlan, IReadOnlyList<RevenueShare> ByTenant, IReadOnlyList<(DateTimeOffset Day, decimal Amount)> ByDay)
{
    public IEnumerable<RevenueShare> TopSpenders(int count) => ByTenant.Take(count);
}

/// <summary>What the panel billed in a month (UTC), up to now for the current one; a currency each, most revenue first.</summary>
public sealed record RevenueView(DateTimeOffset MonthStart, DateTimeOffset To, IReadOnlyList<CurrencyRevenue> Currencies);

public interface IRevenueReport
{
    /// <summary>Staff only: a customer is refused (its own money is on its dashboard and statements).</summary>
    Task<Result<RevenueView>> MonthAsync(DateTimeOffset monthStart, CancellationToken ct);
}

/// <summary>
/// Reads usage through <see cref="IUsageTotals"/>, so revenue adds up with the statements (each share rounded once, like a
/// statement line); names come from the inventory, a deleted tenant's share keeps its place under its id.
/// </summary>
public sealed class RevenueReport(CurrentAccess access, IDbContextFactory<VzPanelDbContext> dbFactory, IUsageTotals usage, TimeProvider clock)
    : IRevenueReport
{
    public async Task<Result<RevenueView>> MonthAsync(DateTimeOffset monthStart, CancellationToken ct)
    {
        if (!access.Scope.SeesAllTenants) return Error.Forbidden("Revenue is for panel staff.");
        var from = new DateTimeOffset(monthStart.UtcDateTime.Year, monthStart.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var now = clock.GetUtcNow();
        var to = from.AddMonths(1) < now ? from.AddMonths(1) : now;
        var byPlan = await usage.QueryAsync(new UsageQuery(from, to, UsageGrouping.Plan), ct);
        var byTenant = await usage.QueryAsync(new UsageQuery(from, to, UsageGrouping.Tenant), ct);
        var byDay = await usage.QueryAsync(new UsageQuery(from, to, UsageGrouping.Day), ct);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var planIds = byPlan.Select(r => r.PlanId!.Value).Distinct().ToList();
        var tenantIds = byTenant.Select(r => r.TenantId!.Value).Distinct().ToList();
        var planNames = await db.Plans.AsNoTracking().Where(p => planIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var tenantNames = await db.Tenants.AsNoTracking().Where(t => tenantIds.Contains(t.Id))
            .ToDictionaryAsync(t => t.Id, t => t.Name, ct);

        var days = new List<DateTimeOffset>();
        for (var day = from; day < to; day = day.AddDays(1)) days.Add(day);
        var currencies = byTenant.Select(r => r.Currency).Concat(byPlan.Select(r => r.Currency)).Distinct()
            .Select(currency =>
            {
                var tenants = Shares(byTenant.Where(r => r.Currency == currency), r => r.TenantId!.Value, tenantNames, "deleted customer");
                var plans = Shares(byPlan.Where(r => r.Currency == currency), r => r.PlanId!.Value, planNames, "deleted plan");
                var perDay = byDay.Where(r => r.Currency == currency).GroupBy(r => r.Period!.Value).ToDictionary(g => g.Key, g => g.Sum(r => r.Amount));
                return new CurrencyRevenue(currency, tenants.Sum(t => t.Amount), plans, tenants,
                    days.Select(d => (d, Money.Cents(perDay.GetValueOrDefault(d)))).ToList());
            })
            .OrderByDescending(c => c.Total).ToList();
        return new RevenueView(from, to, currencies);
    }

    private static List<RevenueShare> Shares(IEnumerable<UsageRow> rows, Func<UsageRow, Guid> id, Dictionary<Guid, string> names, string unknown) =>
        rows.GroupBy(id)
            .Select(g => new RevenueShare(g.Key, names.GetValueOrDefault(g.Key) ?? $"{unknown} {g.Key.ToString()[..8]}", Money.Cents(g.Sum(r => r.Amount))))
            .OrderByDescending(s => s.Amount).ThenBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToList();
}
