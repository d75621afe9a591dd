using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Billing.Usage;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing.Rollups;

/// <summary>
/// The recurring job that stores each closed UTC hour's usage per server in <c>usage_hourly</c>: every hour after the
/// watermark, plus a short look-back for segments closed late, one set-based statement per batch of hours. Idempotent: a
/// rerun writes the same rows, and an hour whose segments changed is corrected (rows it no longer has are removed).
/// The hour in progress is never rolled up; reads take it from the segments.
/// </summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
[AutomaticRetry(Attempts = 0)]   // the next run does the same work anyway
public sealed class UsageRollup(CurrentAccess access, IDbContextFactory<VzPanelDbContext> dbFactory, IOptions<UsageRollupOptions> options,
    TimeProvider clock, ILogger<UsageRollup> logger)
{
    public const string JobId = "usage-hourly-rollup";

    /// <summary>Hours per statement: a month of catching up is 31 short transactions, not one long one.</summary>
    public const int BatchHours = 24;

    /// <summary>Rolls up what is due; returns how many hours were (re)computed.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        access.Scope = AccessScope.System;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var until = HourOf(clock.GetUtcNow());
        var start = await StartAsync(db, ct);
        if (start is null) return 0;

        var hours = 0;
        for (var lo = start.Value; lo < until; lo = lo.AddHours(BatchHours))
        {
            var hi = lo.AddHours(BatchHours) < until ? lo.AddHours(BatchHours) : until;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlRawAsync(RollupSql, [UsageSql.Instant("lo", lo), UsageSql.Instant("hi", hi)], ct);
            await db.Database.ExecuteSqlRawAsync(WatermarkSql, [UsageSql.Instant("hi", hi)], ct);
            await transaction.CommitAsync(ct);
            hours += (int)(hi - lo).TotalHours;
        }
        logger.LogDebug("Rolled up {Hours} hours of usage from {Start:u} to {Until:u}", hours, start, until);
        return hours;
    }

    /// <summary>The first hour to roll up: the look-back before the watermark, or the first segment's hour the first time.</summary>
    private async Task<DateTimeOffset?> StartAsync(VzPanelDbContext db, CancellationToken ct)
    {
        var watermark = await WatermarkAsync(db, ct);
        var from = watermark?.AddHours(-options.Value.LookBackHours)
            ?? await db.UsageSegments.IgnoreQueryFilters().MinAsync(u => (DateTimeOffset?)u.From, ct);
        return from is { } f ? HourOf(f) : null;
    }

    /// <summary>The end of what is rolled up (every hour before it is in <c>usage_hourly</c>); null before the first run.</summary>
    public static Task<DateTimeOffset?> WatermarkAsync(VzPanelDbContext db, CancellationToken ct) =>
        db.Set<UsageRollupState>().AsNoTracking().Select(s => (DateTimeOffset?)s.RolledUpUntil).SingleOrDefaultAsync(ct);

    public static DateTimeOffset HourOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    // Each server's hour takes the tenant, plan and currency of its last piece (see UsageHour). Rows of the batch's hours
    // that the segments no longer give are deleted in the same statement; unchanged rows are not rewritten.
    private static readonly string RollupSql = $"""
        WITH pieces AS (
            SELECT s.instance_id, s.tenant_id, s.plan_id, s.currency, b.hour, b.a, {UsageSql.Quantities}
            {UsageSql.Pieces("@lo", "@hi", byHour: true)}
        ), fresh AS (
            SELECT p.instance_id, p.hour, (array_agg(p.tenant_id ORDER BY p.a DESC))[1] AS tenant_id,
                   (array_agg(p.plan_id ORDER BY p.a DESC))[1] AS plan_id, (array_agg(p.currency ORDER BY p.a DESC))[1] AS currency,
                   {UsageSql.Sums("p", scale: 18)}
            FROM pieces p GROUP BY p.instance_id, p.hour
        ), gone AS (
            DELETE FROM usage_hourly u WHERE u.hour >= @lo AND u.hour < @hi
              AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.instance_id = u.instance_id AND f.hour = u.hour)
        )
        INSERT INTO usage_hourly (instance_id, hour, tenant_id, plan_id, currency, {string.Join(", ", UsageSql.QuantityColumns)})
        SELECT instance_id, hour, tenant_id, plan_id, currency, {string.Join(", ", UsageSql.QuantityColumns)} FROM fresh
        ON CONFLICT (instance_id, hour) DO UPDATE SET tenant_id = excluded.tenant_id, plan_id = excluded.plan_id, currency = excluded.currency,
            {string.Join(", ", UsageSql.QuantityColumns.Select(c => $"{c} = excluded.{c}"))}
        WHERE (usage_hourly.tenant_id, usage_hourly.plan_id, usage_hourly.currency, {string.Join(", ", UsageSql.QuantityColumns.Select(c => $"usage_hourly.{c}"))})
              IS DISTINCT FROM (excluded.tenant_id, excluded.plan_id, excluded.currency, {string.Join(", ", UsageSql.QuantityColumns.Select(c => $"excluded.{c}"))})
        """;

    private const string WatermarkSql = """
        INSERT INTO usage_rollup_state (id, rolled_up_until) VALUES (1, @hi)
        ON CONFLICT (id) DO UPDATE SET rolled_up_until = excluded.rolled_up_until WHERE usage_rollup_state.rolled_up_until < excluded.rolled_up_until
        """;
}
