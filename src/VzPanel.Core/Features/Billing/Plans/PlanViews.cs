namespace VzPanel.Core.Features.Billing.Plans;

/// <summary>A plan as the API and the plans page show it, with how many customers are on it and how many servers they run.</summary>
public sealed record PlanView(
    Guid Id, string Name, long MemoryMinMiB, long MemoryMaxMiB, int VCpuMax, long DiskMaxGiB,
    decimal PricePerGiBHour, decimal PricePerVCpuHour, decimal PricePerDiskGiBMonth, decimal GuaranteePremiumShare,
    string Currency, PlanBilling Billing, bool Retired, DateTimeOffset? RetiredAt, int TenantCount, int ServerCount);

/// <summary>
/// The fields of a plan as a caller sends them. Creating one needs all of them but the guarantee premium (none) and
/// <see cref="Retired"/>; changing one keeps what is null. A change of prices or bounds to a plan whose customers run
/// servers is only saved with <see cref="Confirm"/>.
/// </summary>
public sealed record PlanInput
{
    public string? Name { get; init; }
    public long? MemoryMinMiB { get; init; }
    public long? MemoryMaxMiB { get; init; }
    public int? VCpuMax { get; init; }
    public long? DiskMaxGiB { get; init; }
    public decimal? PricePerGiBHour { get; init; }
    public decimal? PricePerVCpuHour { get; init; }
    public decimal? PricePerDiskGiBMonth { get; init; }
    public decimal? GuaranteePremiumShare { get; init; }
    public string? Currency { get; init; }
    public PlanBilling? Billing { get; init; }
    public bool? Retired { get; init; }
    public bool? Confirm { get; init; }
}
