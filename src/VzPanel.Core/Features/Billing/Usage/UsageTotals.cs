using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Billing.Rollups;

namespace VzPanel.Core.Features.Billing.Usage;

/// <summary>
/// Integrates usage in PostgreSQL: whole closed hours already rolled up are read from <c>usage_hourly</c>, and the rest of
/// the period (a partial first or last hour, the hours after the rollup's watermark, the hour in progress up to now) from
/// the segments, clipped and priced at the prices they carry. Both are the same integral (<see cref="UsageSql"/>), so the
/// numbers do not depend on how far the rollup has got.
/// </summary>
public sealed class UsageTotals(IDbContextFactory<VzPanelDbContext> dbFactory, TimeProvider clock) : IUsageTotals
{
    public async Task<IReadOnlyList<UsageRow>> QueryAsync(UsageQuery query, CancellationToken ct) =>
        (await ReadAsync(query, null, ct)).Rows;

    public async Task<UsagePage> PageAsync(UsageQuery query, int skip, int take, CancellationToken ct)
    {
        var (rows, total) = await ReadAsync(query, (skip, take), ct);
        // Past the last row the page is empty and carries no total: count from the first row instead.
        if (rows.Count == 0 && skip > 0) (_, total) = await ReadAsync(query, (0, 1), ct);
        return new UsagePage(rows, total);
    }

    private async Task<(IReadOnlyList<UsageRow> Rows, int Total)> ReadAsync(UsageQuery query, (int Skip, int Take)? page, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Raw SQL passes the query filters by: the scope is applied here, once.
        var tenantId = db.Scope.SeesAllTenants ? query.TenantId : db.Scope.TenantId ?? Guid.Empty;
        var now = clock.GetUtcNow();
        var to = query.To < now ? query.To : now;
        if (to <= query.From) return ([], 0);
        var (rolledFrom, rolledTo) = await RolledUpAsync(db, query.From, to, query.GroupBy, ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var command = (NpgsqlCommand)db.Database.GetDbConnection().CreateCommand();
        command.CommandText = Sql(query.GroupBy) + (page is null ? "" : "\nLIMIT @take OFFSET @skip");
        command.Parameters.Add(UsageSql.Instant("from", query.From));
        command.Parameters.Add(UsageSql.Instant("to", to));
        command.Parameters.Add(UsageSql.Instant("rolled_from", rolledFrom));
        command.Parameters.Add(UsageSql.Instant("rolled_to", rolledTo));
        command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Uuid) { Value = (object?)tenantId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("instance", NpgsqlDbType.Uuid) { Value = (object?)query.InstanceId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("skip", NpgsqlDbType.Integer) { Value = page?.Skip ?? 0 });
        command.Parameters.Add(new NpgsqlParameter("take", NpgsqlDbType.Integer) { Value = page?.Take ?? 0 });
        var rows = new List<UsageRow>();
        var total = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new UsageRow(
                reader.IsDBNull(0) ? null : new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero),
                reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetGuid(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetString(4).Trim(),
                reader.GetDecimal(5), reader.GetDecimal(6), reader.GetDecimal(7), reader.GetDecimal(8), reader.GetDecimal(9)));
            total = (int)reader.GetInt64(10);
        }
        return (rows, total);
    }

    /// <summary>
    /// The whole hours of the period that <c>usage_hourly</c> holds (before the watermark); an empty range at the start
    /// when there are none. Per plan the segments are read throughout: a rollup row keeps one plan per server and hour.
    /// </summary>
    private static async Task<(DateTimeOffset From, DateTimeOffset To)> RolledUpAsync(
        VzPanelDbContext db, DateTimeOffset from, DateTimeOffset to, UsageGrouping groupBy, CancellationToken ct)
    {
        if (groupBy == UsageGrouping.Plan) return (from, from);
        var watermark = await UsageRollup.WatermarkAsync(db, ct);
        if (watermark is null) return (from, from);
        var first = UsageRollup.HourOf(from) == from ? from : UsageRollup.HourOf(from).AddHours(1);
        var last = UsageRollup.HourOf(to) < watermark.Value ? UsageRollup.HourOf(to) : watermark.Value;
        return last > first ? (first, last) : (from, from);
    }

    private static string Sql(UsageGrouping groupBy)
    {
        var period = groupBy switch
        {
            UsageGrouping.Hour => "p.at",
            UsageGrouping.Day => "date_trunc('day', p.at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
            _ => "NULL::timestamptz",
        };
        var tenant = groupBy == UsageGrouping.Plan ? "NULL::uuid" : "p.tenant_id";
        var instance = groupBy is UsageGrouping.Hour or UsageGrouping.Day or UsageGrouping.Instance ? "p.instance_id" : "NULL::uuid";
        // Per server (and per plan): a plan change splits a server's row, so every row has one plan.
        var plan = groupBy == UsageGrouping.Tenant ? "NULL::uuid" : "p.plan_id";
        const string scope = "(@tenant IS NULL OR {0}.tenant_id = @tenant) AND (@instance IS NULL OR {0}.instance_id = @instance)";
        return $"""
            WITH pieces AS (
                SELECT b.hour AS at, s.tenant_id, s.instance_id, s.plan_id, s.currency, {UsageSql.Quantities}
                {UsageSql.Pieces("r.lo", "r.hi", byHour: groupBy is UsageGrouping.Hour or UsageGrouping.Day,
                    ranges: "CROSS JOIN (VALUES (@from, @rolled_from), (@rolled_to, @to)) r(lo, hi)")}
                  AND {string.Format(scope, "s")}
                UNION ALL
                SELECT u.hour, u.tenant_id, u.instance_id, u.plan_id, u.currency, {string.Join(", ", UsageSql.QuantityColumns.Select(c => "u." + c))}
                FROM usage_hourly u
                WHERE u.hour >= @rolled_from AND u.hour < @rolled_to AND {string.Format(scope, "u")}
            )
            SELECT {period} AS period, {tenant} AS tenant_id, {instance} AS instance_id, {plan} AS plan_id, p.currency, {UsageSql.Sums("p", scale: 9)},
                   count(*) OVER () AS total
            FROM pieces p
            GROUP BY 1, 2, 3, 4, 5
            ORDER BY 1 NULLS FIRST, 2, 3, 4, 5
            """;
    }
}
