namespace VzPanel.Core.Features.Billing;

/// <summary>What a tenant may run and what it pays for it, by the hour (pay as you go).</summary>
public sealed class Plan
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public long MemoryMinMiB { get; set; } = 256;
    public long MemoryMaxMiB { get; set; } = 16 * 1024;
    public int VCpuMax { get; set; } = 8;
    public long DiskMaxGiB { get; set; } = 1024;

    /// <summary>Price of one GiB of memory for one hour, in <see cref="Currency"/>.</summary>
    public decimal PricePerGiBHour { get; set; }

    public decimal PricePerVCpuHour { get; set; }

    /// <summary>Price of one GiB of disk for a month of <see cref="PlanPrices.HoursPerMonth"/> hours.</summary>
    public decimal PricePerDiskGiBMonth { get; set; }

    /// <summary>Extra for each guaranteed GiB, as a share of <see cref="PricePerGiBHour"/> (0.25 = a quarter more).</summary>
    public decimal GuaranteePremiumShare { get; set; }

    public string Currency { get; set; } = "EUR";
    public PlanBilling Billing { get; set; } = PlanBilling.Prepaid;

    /// <summary>A retired plan keeps billing the tenants on it but can no longer be chosen.</summary>
    public DateTimeOffset? RetiredAt { get; set; }

    public uint Version { get; private set; }

    public PlanPrices Prices => new(PricePerGiBHour, PricePerVCpuHour, PricePerDiskGiBMonth, GuaranteePremiumShare, Currency);

    /// <summary>The hourly price of a running server of this size on this plan.</summary>
    public decimal HourlyPrice(long memoryMiB, int vcpus, long guaranteedMiB = 0, long diskGiB = 0) =>
        Prices.Hourly(new BillableShape(memoryMiB, guaranteedMiB, vcpus, diskGiB));
}

/// <summary>Prepaid tenants draw down a credit balance; postpaid tenants get a statement each month.</summary>
public enum PlanBilling { Prepaid, Postpaid }
