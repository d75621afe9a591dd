using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Billing.Quotes;

/// <summary>
/// The price before a change: for a new server or for a change to one, checked against the plan's bounds. A quote reads
/// and never queues or saves anything.
/// </summary>
public interface IPriceQuotes
{
    Task<Result<PriceQuote>> ForNewServerAsync(CreateInstanceCommand command, CancellationToken ct);
    Task<Result<PriceQuote>> ForChangeAsync(Guid instanceId, ShapeChange change, CancellationToken ct);
}

/// <summary>A change to a server's billable shape; what is left out stays as it is.</summary>
public sealed record ShapeChange(string? Memory = null, int? VCpus = null, int? MemoryGuaranteePercent = null, string? Disk = null);
