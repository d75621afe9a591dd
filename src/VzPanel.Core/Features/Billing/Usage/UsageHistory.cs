using VzPanel.Core.Features.Billing.Rollups;

namespace VzPanel.Core.Features.Billing.Usage;

/// <summary>How far back a server's usage chart looks: the last 48 hours hour by hour, or the last 30 days day by day.</summary>
public enum UsageSpan { Hours, Days }

/// <summary>
/// One bucket of a server's history: the memory it had on average (GiB, over the part of the bucket that has passed) and
/// what the bucket cost, unrounded.
/// </summary>
public sealed record UsagePoint(DateTimeOffset Start, decimal MemoryGiB, decimal GuaranteedGiB, decimal Cost);

/// <summary>A server's history, one point per bucket with none missing (a bucket without usage is zero), oldest first.</summary>
public sealed record UsageHistoryView(UsageSpan Span, string? Currency, IReadOnlyList<UsagePoint> Points)
{
    public decimal TotalCost => Points.Sum(p => p.Cost);
}

public interface IUsageHistory
{
    Task<UsageHistoryView> ForInstanceAsync(Guid instanceId, UsageSpan span, CancellationToken ct);
}

/// <summary>
/// Reads through <see cref="IUsageTotals"/> (so the chart agrees with the statement and the usage API, the hour in progress
/// included) and spreads each bucket's GiB-hours over the time it covers. Scoped like every usage read: another tenant's
/// server has no usage.
/// </summary>
public sealed class UsageHistory(IUsageTotals usage, TimeProvider clock) : IUsageHistory
{
    public const int Hours = 48;
    public const int Days = 30;

    public async Task<UsageHistoryView> ForInstanceAsync(Guid instanceId, UsageSpan span, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (step, count, grouping) = span == UsageSpan.Hours
            ? (TimeSpan.FromHours(1), Hours, UsageGrouping.Hour)
            : (TimeSpan.FromDays(1), Days, UsageGrouping.Day);
        var last = span == UsageSpan.Hours ? UsageRollup.HourOf(now) : new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var first = last - step * (count - 1);
        var rows = await usage.QueryAsync(new UsageQuery(first, now, grouping, InstanceId: instanceId), ct);
        // A plan change splits a bucket into a row per plan: the chart shows the bucket.
        var byStart = rows.GroupBy(r => r.Period!.Value).ToDictionary(g => g.Key, g => g.ToList());
        var points = new List<UsagePoint>(count);
        for (var start = first; start <= last; start += step)
        {
            var covered = (decimal)((start + step < now ? step : now - start).TotalHours);
            var bucket = byStart.GetValueOrDefault(start) ?? [];
            points.Add(new UsagePoint(start,
                covered > 0 ? bucket.Sum(r => r.MemoryGiBHours) / covered : 0,
                covered > 0 ? bucket.Sum(r => r.GuaranteedGiBHours) / covered : 0,
                bucket.Sum(r => r.Amount)));
        }
        return new UsageHistoryView(span, rows.Select(r => r.Currency).LastOrDefault(), points);
    }
}
