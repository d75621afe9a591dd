namespace VzPanel.Core.Features.Billing;

/// <summary>
/// What a server has that costs money at one moment: memory, guaranteed memory and vCPUs only while it runs (zero
/// otherwise), and its disk while it exists.
/// </summary>
public readonly record struct BillableShape(long MemoryMiB, long GuaranteedMiB, int VCpus, long DiskGiB)
{
    public static BillableShape DiskOnly(long diskGiB) => new(0, 0, 0, diskGiB);
}

/// <summary>One priced item of a shape: its quantity, unit price and what it costs per hour.</summary>
public sealed record PriceLine(string Item, decimal Quantity, decimal UnitPrice, decimal Hourly);

/// <summary>
/// A plan's unit prices, as one value: what the meter copies into each usage segment, so a bill always uses the prices
/// in force while the server ran, and what quotes price a shape with.
/// </summary>
public readonly record struct PlanPrices(decimal MemoryGiBHour, decimal VCpuHour, decimal DiskGiBMonth, decimal GuaranteePremiumShare, string Currency)
{
    /// <summary>A month, for monthly prices and forecasts: 365 × 24 / 12.</summary>
    public const int HoursPerMonth = 730;

    public const string MemoryItem = "memory";
    public const string GuaranteeItem = "guaranteed-memory";
    public const string VCpuItem = "vcpu";
    public const string DiskItem = "disk";

    /// <summary>The shape's items; quantities are GiB, vCPUs and GiB of disk; unit prices per hour except disk, per month.</summary>
    public IReadOnlyList<PriceLine> Lines(BillableShape shape)
    {
        var memoryGiB = shape.MemoryMiB / 1024m;
        var guaranteedGiB = shape.GuaranteedMiB / 1024m;
        var guaranteePrice = MemoryGiBHour * GuaranteePremiumShare;
        return
        [
            new(MemoryItem, memoryGiB, MemoryGiBHour, memoryGiB * MemoryGiBHour),
            new(GuaranteeItem, guaranteedGiB, guaranteePrice, guaranteedGiB * guaranteePrice),
            new(VCpuItem, shape.VCpus, VCpuHour, shape.VCpus * VCpuHour),
            new(DiskItem, shape.DiskGiB, DiskGiBMonth, shape.DiskGiB * DiskGiBMonth / HoursPerMonth),
        ];
    }

    /// <summary>What the shape costs per hour, unrounded (amounts are rounded once, per statement line).</summary>
    public decimal Hourly(BillableShape shape) => Lines(shape).Sum(l => l.Hourly);
}
