using System.Globalization;
using VzPanel.Core.Common;

namespace VzPanel.Core.Features.Billing.Usage;

/// <summary>The output a usage export is asked for.</summary>
public enum UsageFormat { Json, Csv }

/// <summary>
/// A usage export request as the caller typed it (query string values, unparsed), so every malformed value is answered
/// with its own reason rather than a framework's binding error.
/// </summary>
public sealed record UsageExportRequest(
    string? Tenant = null, string? Instance = null, string? From = null, string? To = null, string? GroupBy = null, string? Format = null,
    string? Page = null, string? PageSize = null)
{
    public const int DefaultPageSize = 500;
    public const int MaxPageSize = 5000;
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    private static readonly string[] InstantFormats =
        ["yyyy-MM-dd", "yyyy-MM-ddTHH:mmK", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK"];

    /// <summary>Parses and checks every value; the period defaults to the current UTC month so far.</summary>
    public Result<UsageExportQuery> Parse(DateTimeOffset now)
    {
        if (!TryId(Tenant, out var tenant)) return BadId("tenant", Tenant);
        if (!TryId(Instance, out var instance)) return BadId("instance", Instance);
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        if (!TryInstant(From, monthStart, out var from)) return BadInstant("from", From);
        if (!TryInstant(To, now, out var to)) return BadInstant("to", To);
        if (from >= to)
            return Error.Invalid(UsageErrors.InvalidPeriod, "from", $"from ({from:u}) must be before to ({to:u}).");
        if (to - from > MaxPeriod)
            return Error.Invalid(UsageErrors.InvalidPeriod, "to", $"The period is {(to - from).TotalDays:0.##} days; ask for at most 366 days per request.");
        UsageGrouping? groupBy = (GroupBy ?? "hour").ToLowerInvariant() switch
        {
            "hour" => UsageGrouping.Hour,
            "day" => UsageGrouping.Day,
            "instance" => UsageGrouping.Instance,
            _ => null,
        };
        if (groupBy is null)
            return Error.Invalid(UsageErrors.InvalidGroupBy, "groupBy", $"groupBy '{GroupBy}' is not one of hour, day or instance.");
        UsageFormat? format = (Format ?? "json").ToLowerInvariant() switch { "json" => UsageFormat.Json, "csv" => UsageFormat.Csv, _ => null };
        if (format is null) return Error.Invalid(UsageErrors.InvalidFormat, "format", $"format '{Format}' is not json or csv.");
        if (!TryInt(Page, 1, out var page) || page < 1)
            return Error.Invalid(UsageErrors.InvalidPage, "page", $"page '{Page}' is not a whole number of at least 1.");
        if (!TryInt(PageSize, DefaultPageSize, out var pageSize) || pageSize is < 1 or > MaxPageSize)
            return Error.Invalid(UsageErrors.InvalidPageSize, "pageSize", $"pageSize '{PageSize}' is not a whole number from 1 to {MaxPageSize}.");
        return new UsageExportQuery(new UsageQuery(from, to, groupBy.Value, tenant, instance), format.Value, page, pageSize);
    }

    private static bool TryId(string? text, out Guid? id)
    {
        id = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!Guid.TryParse(text.Trim(), out var parsed)) return false;
        id = parsed;
        return true;
    }

    private static bool TryInstant(string? text, DateTimeOffset fallback, out DateTimeOffset at)
    {
        at = fallback;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!DateTimeOffset.TryParseExact(text.Trim(), InstantFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)) return false;
        at = parsed;
        return true;
    }

    private static bool TryInt(string? text, int fallback, out int value)
    {
        value = fallback;
        return string.IsNullOrWhiteSpace(text) || int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static Error BadId(string field, string? text) =>
        Error.Invalid(UsageErrors.InvalidId, field, $"{field} '{text}' is not a UUID.");

    private static Error BadInstant(string field, string? text) =>
        Error.Invalid(UsageErrors.InvalidPeriod, field, $"{field} '{text}' is not an ISO 8601 date or instant (2026-11-01 or 2026-11-01T00:00:00Z).");
}

/// <summary>A checked usage export request.</summary>
public sealed record UsageExportQuery(UsageQuery Usage, UsageFormat Format, int Page, int PageSize);
