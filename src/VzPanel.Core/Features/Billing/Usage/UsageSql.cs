using Npgsql;
using NpgsqlTypes;

namespace VzPanel.Core.Features.Billing.Usage;

/// <summary>
/// The one integral of usage, as SQL: what the totals read and what the hourly rollup stores are built from these
/// fragments, so a rollup is the same integral, stored.
/// </summary>
internal static class UsageSql
{
    /// <summary>
    /// One row per segment and piece of <c>[lo, hi)</c> it covered (an open segment runs up to <c>hi</c>), cut at UTC
    /// hour boundaries when <paramref name="byHour"/>: <c>s</c> is the segment, <c>b.hour</c> the hour (null when not cut),
    /// <c>b.a</c> the piece's start, <c>h.hours</c> its length in hours. <paramref name="ranges"/> may add a FROM item that
    /// <paramref name="lo"/> and <paramref name="hi"/> refer to. The overlap test is the one the no-overlap exclusion
    /// constraint indexes (GiST on the segment's range), so a short range can find its few segments without a scan.
    /// </summary>
    public static string Pieces(string lo, string hi, bool byHour, string ranges = "")
    {
        var cut = byHour
            ? """
              SELECT (t AT TIME ZONE 'UTC') AS hour,
                     greatest(w.a, t AT TIME ZONE 'UTC') AS a, least(w.z, (t + interval '1 hour') AT TIME ZONE 'UTC') AS z
              FROM generate_series(date_trunc('hour', w.a AT TIME ZONE 'UTC'), (w.z AT TIME ZONE 'UTC') - interval '1 microsecond', interval '1 hour') t
              """
            : "SELECT NULL::timestamptz AS hour, w.a, w.z";
        return $"""
            FROM usage_segments s
            {ranges}
            CROSS JOIN LATERAL (SELECT greatest(s.period_start, {lo}) AS a, least(coalesce(s.period_end, {hi}), {hi}) AS z) w
            CROSS JOIN LATERAL ({cut}) b
            CROSS JOIN LATERAL (SELECT extract(epoch FROM b.z - b.a) / 3600 AS hours) h
            WHERE tstzrange(s.period_start, s.period_end) && tstzrange({lo}, {hi}) AND w.z > w.a
            """;
    }

    /// <summary>A piece's quantities and amount at its segment's prices, unrounded; named as the columns of <c>usage_hourly</c>.</summary>
    public const string Quantities = """
        s.memory_mib / 1024.0 * h.hours AS memory_gib_hours,
        s.guaranteed_mib / 1024.0 * h.hours AS guaranteed_gib_hours,
        s.vcpus * h.hours AS vcpu_hours,
        s.disk_gib * h.hours / 730 AS disk_gib_months,
        h.hours * (s.memory_mib / 1024.0 * s.price_memory_gib_hour
                   + s.guaranteed_mib / 1024.0 * s.price_memory_gib_hour * s.guarantee_premium_share
                   + s.vcpus * s.price_vcpu_hour + s.disk_gib * s.price_disk_gib_month / 730) AS amount
        """;

    /// <summary>The quantity columns, in order, as <c>usage_hourly</c> and <see cref="Quantities"/> name them.</summary>
    public static readonly string[] QuantityColumns = ["memory_gib_hours", "guaranteed_gib_hours", "vcpu_hours", "disk_gib_months", "amount"];

    /// <summary>Each quantity column summed (and rounded to <paramref name="scale"/> decimals when given) over <paramref name="from"/>.</summary>
    public static string Sums(string from, int? scale = null) => string.Join(", ", QuantityColumns.Select(c =>
        scale is { } digits ? $"round(sum({from}.{c}), {digits}) AS {c}" : $"sum({from}.{c}) AS {c}"));

    /// <summary>An instant as a <c>timestamptz</c> parameter (Npgsql takes UTC <see cref="DateTime"/>s for those).</summary>
    public static NpgsqlParameter Instant(string name, DateTimeOffset at) => new(name, NpgsqlDbType.TimestampTz) { Value = at.UtcDateTime };
}
