namespace VzPanel.Core.Features.Billing.Usage;

/// <summary>
/// The one way to read what was used and what it cost, to the second and up to now (the hour in progress included):
/// statements, balances, dashboards, charts and the usage API all ask here, so they always agree.
/// </summary>
public interface IUsageTotals
{
    Task<IReadOnlyList<UsageRow>> QueryAsync(UsageQuery query, CancellationToken ct);

    /// <summary>One page of <see cref="QueryAsync"/>'s rows, in the same order, with how many rows there are in all.</summary>
    Task<UsagePage> PageAsync(UsageQuery query, int skip, int take, CancellationToken ct);
}

public sealed record UsagePage(IReadOnlyList<UsageRow> Rows, int Total);
