using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using VzPanel.Core.Data;

namespace VzPanel.Core.Features.Billing.Usage;

/// <summary>
/// Integrates the usage segments directly in PostgreSQL: each segment is clipped to the period (an open one runs up to
/// now), split into UTC hours or days when grouped so, and priced at the prices it carries.
/// </summary>
public sealed class SegmentUsageTotals(IDbContextFactory<VzPanelDbContext> dbFactory, TimeProvider clock) : IUsageTotals
{
    public async Task<IReadOnlyList<UsageRow>> QueryAsync(UsageQuery query, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Raw SQL passes the query filters by: the scope is applied here, once.
        var tenantId = db.Scope.SeesAllTenants ? query.TenantId : db.Scope.TenantId ?? Guid.Empty;
        var now = clock.GetUtcNow();
        var to = query.To < now ? query.To : now;
        if (to <= query.From) return [];
        await db.Database.OpenConnectionAsync(ct);
        await using var command = (NpgsqlCommand)db.Database.GetDbConnection().CreateCommand();
        command.CommandText = Sql(query.GroupBy);
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = query.From.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = to.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Uuid) { Value = (object?)tenantId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("instance", NpgsqlDbType.Uuid) { Value = (object?)query.InstanceId ?? DBNull.Value });
        var rows = new List<UsageRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new UsageRow(
                reader.IsDBNull(0) ? null : new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero),
                reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetGuid(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetString(4).Trim(),
                reader.GetDecimal(5), reader.GetDecimal(6), reader.GetDecimal(7), reader.GetDecimal(8), reader.GetDecimal(9)));
        return rows;
    }

    private static string Sql(UsageGrouping groupBy)
    {
        var (bucketJoin, window, period, keys) = groupBy switch
        {
            UsageGrouping.Hour => (Buckets("hour"), "b.a, b.z", "b.bucket", "s.tenant_id, s.instance_id"),
            UsageGrouping.Day => (Buckets("day"), "b.a, b.z", "b.bucket", "s.tenant_id, s.instance_id"),
            UsageGrouping.Instance => ("", "w.a, w.z", "NULL::timestamptz", "s.tenant_id, s.instance_id"),
            UsageGrouping.Tenant => ("", "w.a, w.z", "NULL::timestamptz", "s.tenant_id, NULL::uuid"),
            _ => ("", "w.a, w.z", "NULL::timestamptz", "NULL::uuid, NULL::uuid"),
        };
        var plan = groupBy == UsageGrouping.Plan ? "s.plan_id" : "NULL::uuid";
        var (a, z) = (window.Split(", ")[0], window.Split(", ")[1]);
        return $"""
            SELECT {period} AS period, k.tenant_id, k.instance_id, {plan} AS plan_id, s.currency,
                   round(sum(s.memory_mib / 1024.0 * h.hours), 9) AS memory_gib_hours,
                   round(sum(s.guaranteed_mib / 1024.0 * h.hours), 9) AS guaranteed_gib_hours,
                   round(sum(s.vcpus * h.hours), 9) AS vcpu_hours,
                   round(sum(s.disk_gib * h.hours / 730), 9) AS disk_gib_months,
                   round(sum(h.hours * (s.memory_mib / 1024.0 * s.price_memory_gib_hour
                                        + s.guaranteed_mib / 1024.0 * s.price_memory_gib_hour * s.guarantee_premium_share
                                        + s.vcpus * s.price_vcpu_hour + s.disk_gib * s.price_disk_gib_month / 730)), 9) AS amount
            FROM usage_segments s
            CROSS JOIN LATERAL (SELECT greatest(s.period_start, @from) AS a, least(coalesce(s.period_end, @to), @to) AS z) w
            {bucketJoin}
            CROSS JOIN LATERAL (SELECT extract(epoch FROM {z} - {a}) / 3600 AS hours) h
            CROSS JOIN LATERAL (SELECT {keys.Split(", ")[0]} AS tenant_id, {keys.Split(", ")[1]} AS instance_id) k
            WHERE s.period_start < @to AND coalesce(s.period_end, 'infinity') > @from AND w.z > w.a
              AND (@tenant IS NULL OR s.tenant_id = @tenant) AND (@instance IS NULL OR s.instance_id = @instance)
            GROUP BY 1, 2, 3, 4, 5
            ORDER BY 1 NULLS FIRST, 2, 3, 4, 5
            """;
    }

    /// <summary>Splits the clipped window into UTC hours or days: each piece with its own start and end.</summary>
    private static string Buckets(string unit) => $"""
        CROSS JOIN LATERAL (
            SELECT (t AT TIME ZONE 'UTC') AS bucket,
                   greatest(w.a, t AT TIME ZONE 'UTC') AS a, least(w.z, (t + interval '1 {unit}') AT TIME ZONE 'UTC') AS z
            FROM generate_series(date_trunc('{unit}', w.a AT TIME ZONE 'UTC'), (w.z AT TIME ZONE 'UTC') - interval '1 microsecond', interval '1 {unit}') t) b
        """;
}
