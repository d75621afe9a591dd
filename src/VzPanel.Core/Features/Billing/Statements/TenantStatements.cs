using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Billing.Usage;

namespace VzPanel.Core.Features.Billing.Statements;

public interface ITenantStatements
{
    /// <summary>Every month from the tenant's first to the current one, newest first.</summary>
    Task<Result<IReadOnlyList<StatementSummary>>> ListAsync(Guid tenantId, CancellationToken ct);

    /// <summary>One month, <c>yyyy-MM</c> (UTC).</summary>
    Task<Result<StatementView>> GetAsync(Guid tenantId, string month, CancellationToken ct);
}

/// <summary>
/// Statements read the same usage as the usage API and the balance (<see cref="IUsageTotals"/>), per server, and round each
/// line once to the cent (<see cref="Money.Cents"/>); the total is the sum of the rounded lines, so a statement adds up on
/// paper. Scoped: another tenant is not found.
/// </summary>
public sealed class TenantStatements(IDbContextFactory<VzPanelDbContext> dbFactory, IUsageTotals usage, TimeProvider clock) : ITenantStatements
{
    public const string InvalidMonth = "invalid_month";

    public async Task<Result<IReadOnlyList<StatementSummary>>> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => new { t.CreatedAt }).SingleOrDefaultAsync(ct);
        if (tenant is null) return Error.NotFound("Customer");
        var now = clock.GetUtcNow();
        var months = new List<StatementSummary>();
        for (var month = MonthOf(now); month >= MonthOf(tenant.CreatedAt) && months.Count < 120; month = month.AddMonths(-1))
        {
            var statement = await BuildAsync(db, tenantId, month, ct);
            months.Add(new StatementSummary(statement.Month, statement.From, statement.To, statement.Final, statement.Currency, statement.UsageTotal,
                statement.CreditsTotal));
        }
        return months;
    }

    public async Task<Result<StatementView>> GetAsync(Guid tenantId, string month, CancellationToken ct)
    {
        if (!DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            return Error.Invalid(InvalidMonth, "month", $"A statement month is written yyyy-MM (2026-12), not '{month}'.");
        var from = new DateTimeOffset(parsed.Year, parsed.Month, 1, 0, 0, 0, TimeSpan.Zero);
        if (from > clock.GetUtcNow())
            return Error.Invalid(InvalidMonth, "month", $"{month} has not begun; there is no statement for it yet.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)) return Error.NotFound("Customer");
        return await BuildAsync(db, tenantId, from, ct);
    }

    private async Task<StatementView> BuildAsync(VzPanelDbContext db, Guid tenantId, DateTimeOffset from, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var end = from.AddMonths(1);
        var to = end < now ? end : now;
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => new { t.Name, t.Plan!.Currency }).SingleAsync(ct);
        var rows = await usage.QueryAsync(new UsageQuery(from, to, UsageGrouping.Instance, tenantId), ct);
        var ids = rows.Select(r => r.InstanceId!.Value).Distinct().ToList();
        var names = await db.Instances.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Name, ct);
        var lines = rows.GroupBy(r => r.InstanceId!.Value)
            .Select(g => new StatementLine(g.Key, names.GetValueOrDefault(g.Key) ?? $"deleted server {g.Key.ToString()[..8]}",
                g.Sum(r => r.MemoryGiBHours), g.Sum(r => r.GuaranteedGiBHours), g.Sum(r => r.VCpuHours), g.Sum(r => r.DiskGiBMonths),
                Money.Cents(g.Sum(r => r.Amount))))
            .OrderBy(l => l.InstanceName, StringComparer.OrdinalIgnoreCase).ToList();
        var credits = await db.CreditEntries.AsNoTracking().Where(c => c.TenantId == tenantId && c.CreatedAt >= from && c.CreatedAt < end)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .Select(c => new CreditView(c.Id, c.TenantId, c.Amount, c.Currency, c.Note, c.CreatedBy, c.CreatedAt)).ToListAsync(ct);
        return new StatementView(tenantId, tenant.Name, from.ToString("yyyy-MM", CultureInfo.InvariantCulture), from, to, end <= now, tenant.Currency,
            lines, credits, lines.Sum(l => l.Amount), credits.Sum(c => c.Amount));
    }

    private static DateTimeOffset MonthOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }
}
