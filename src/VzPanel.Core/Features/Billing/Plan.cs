namespace VzPanel.Core.Features.Billing;

/// <summary>What a tenant may run and what it pays per hour (pay as you go).</summary>
public sealed class Plan
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public long MemoryMinMiB { get; set; } = 256;
    public long MemoryMaxMiB { get; set; } = 16 * 1024;
    public int VCpuMax { get; set; } = 8;

    /// <summary>Price of one GiB of memory for one hour, in <see cref="Currency"/>.</summary>
    public decimal PricePerGiBHour { get; set; }

    public decimal PricePerVCpuHour { get; set; }
    public string Currency { get; set; } = "EUR";
    public uint Version { get; private set; }

    /// <summary>The hourly price of a server of this size on this plan.</summary>
    public decimal HourlyPrice(long memoryMiB, int vcpus) =>
        decimal.Round(PricePerGiBHour * memoryMiB / 1024m + PricePerVCpuHour * vcpus, 6);
}
