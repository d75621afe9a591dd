using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing;

/// <summary>
/// One stretch of time during which a server had one billable shape at one set of prices. A server that exists has
/// exactly one open segment, from the moment its node confirmed it until it is deleted; each change the node confirms
/// (start, stop, resize, a new plan or new prices) closes it and opens the next at the same instant, so segments neither
/// overlap nor leave gaps. The database refuses overlapping segments of one server.
/// </summary>
public sealed class UsageSegment : ITenantOwned
{
    public long Id { get; private set; }
    public Guid InstanceId { get; init; }

    /// <summary>Copied from the instance so usage stays with the tenant that ran it, even after deletion.</summary>
    public Guid TenantId { get; init; }

    public Guid PlanId { get; init; }

    /// <summary>Memory plugged while running; 0 while not running.</summary>
    public long MemoryMiB { get; init; }

    /// <summary>Guaranteed memory while running; 0 while not running.</summary>
    public long GuaranteedMiB { get; init; }

    /// <summary>vCPUs while running; 0 while not running.</summary>
    public int VCpus { get; init; }

    public long DiskGiB { get; init; }

    /// <summary>The plan's prices when the segment opened.</summary>
    public decimal PriceMemoryGiBHour { get; init; }
    public decimal PriceVCpuHour { get; init; }
    public decimal PriceDiskGiBMonth { get; init; }
    public decimal GuaranteePremiumShare { get; init; }
    public string Currency { get; init; } = "EUR";

    public DateTimeOffset From { get; init; }

    /// <summary>Null while the segment is open.</summary>
    public DateTimeOffset? To { get; set; }

    public BillableShape Shape => new(MemoryMiB, GuaranteedMiB, VCpus, DiskGiB);
    public PlanPrices Prices => new(PriceMemoryGiBHour, PriceVCpuHour, PriceDiskGiBMonth, GuaranteePremiumShare, Currency);

    /// <summary>What this segment costs from <paramref name="from"/> to <paramref name="to"/> (clipped to the segment), unrounded.</summary>
    public decimal AmountBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var start = From > from ? From : from;
        var end = (To ?? to) < to ? To!.Value : to;
        return end <= start ? 0 : Prices.Hourly(Shape) * (decimal)(end - start).TotalSeconds / 3600m;
    }

    Guid? ITenantOwned.OwnerTenantId => TenantId;
}
