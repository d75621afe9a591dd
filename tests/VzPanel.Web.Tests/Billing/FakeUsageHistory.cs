using VzPanel.Core.Features.Billing.Usage;

namespace VzPanel.Web.Tests.Billing;

/// <summary>A server's usage chart: no usage unless a test gives <see cref="Points"/>; counts the reads.</summary>
internal sealed class FakeUsageHistory : IUsageHistory
{
    public Func<UsageSpan, IReadOnlyList<UsagePoint>>? Points { get; set; }
    public List<UsageSpan> Reads { get; } = [];

    public Task<UsageHistoryView> ForInstanceAsync(Guid instanceId, UsageSpan span, CancellationToken ct)
    {
        Reads.Add(span);
        return Task.FromResult(Points is { } points ? new UsageHistoryView(span, "EUR", points(span)) : new UsageHistoryView(span, null, []));
    }
}
