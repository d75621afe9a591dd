using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Billing.Usage;

namespace VzPanel.Core.Features.Billing.Spend;

/// <summary>
/// What a customer spent this month, up to now, and what the month will cost if its servers stay as they are, with its
/// balance. <see cref="At"/> is when it was read: a page moves the numbers on with <see cref="SpentAt"/> between reads.
/// </summary>
public sealed record SpendView(
    Guid TenantId, string Currency, DateTimeOffset MonthStart, DateTimeOffset MonthEnd, DateTimeOffset At, decimal Spent, decimal HourlyNow,
    BalanceView Balance)
{
    /// <summary>Spend up to <paramref name="now"/>, at the current rate since the read (unrounded).</summary>
    public decimal SpentAt(DateTimeOffset now) => Spent + HourlyNow * (decimal)Math.Max(0, (now - At).TotalHours);

    /// <summary>This month's total if nothing changes until its end.</summary>
    public decimal Forecast => Spent + HourlyNow * (decimal)(MonthEnd - At).TotalHours;
}

public interface ITenantSpend
{
    Task<Result<SpendView>> ThisMonthAsync(Guid tenantId, CancellationToken ct);
}

/// <summary>Reads through <see cref="IUsageTotals"/> and <see cref="ICreditBalances"/>, so it agrees with the usage API and the balance.</summary>
public sealed class TenantSpend(IUsageTotals usage, ICreditBalances balances, TimeProvider clock) : ITenantSpend
{
    public async Task<Result<SpendView>> ThisMonthAsync(Guid tenantId, CancellationToken ct)
    {
        var balance = await balances.GetAsync(tenantId, ct);
        if (!balance.IsSuccess) return balance.Error!;
        var now = clock.GetUtcNow();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = await usage.QueryAsync(new UsageQuery(monthStart, now, UsageGrouping.Tenant, tenantId), ct);
        var b = balance.Value!;
        return new SpendView(tenantId, b.Currency, monthStart, monthStart.AddMonths(1), now, rows.Sum(r => r.Amount), b.HourlyNow, b);
    }
}
