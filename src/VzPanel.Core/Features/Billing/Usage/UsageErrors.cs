namespace VzPanel.Core.Features.Billing.Usage;

/// <summary>The codes of a usage request the panel cannot answer (all 400, with the field and the reason).</summary>
public static class UsageErrors
{
    /// <summary><c>from</c> or <c>to</c> is not an ISO 8601 instant, <c>from</c> is not before <c>to</c>, or the period is longer than 366 days.</summary>
    public const string InvalidPeriod = "invalid_period";

    public const string InvalidGroupBy = "invalid_group_by";
    public const string InvalidFormat = "invalid_format";
    public const string InvalidPage = "invalid_page";
    public const string InvalidPageSize = "invalid_page_size";

    /// <summary><c>tenant</c> or <c>instance</c> is not a UUID.</summary>
    public const string InvalidId = "invalid_id";
}
