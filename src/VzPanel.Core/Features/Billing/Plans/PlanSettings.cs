namespace VzPanel.Core.Features.Billing.Plans;

/// <summary>Everything an administrator sets on a plan, as one value: what is checked, compared for the audit and saved.</summary>
internal sealed record PlanSettings(
    string Name, long MemoryMinMiB, long MemoryMaxMiB, int VCpuMax, long DiskMaxGiB,
    decimal PricePerGiBHour, decimal PricePerVCpuHour, decimal PricePerDiskGiBMonth, decimal GuaranteePremiumShare,
    string Currency, PlanBilling Billing)
{
    public static PlanSettings Of(Plan p) => new(p.Name, p.MemoryMinMiB, p.MemoryMaxMiB, p.VCpuMax, p.DiskMaxGiB,
        p.PricePerGiBHour, p.PricePerVCpuHour, p.PricePerDiskGiBMonth, p.GuaranteePremiumShare, p.Currency, p.Billing);

    /// <summary>These settings with what the input gives instead; null keeps a setting. Text is trimmed, not yet checked.</summary>
    public PlanSettings With(PlanInput input) => new(
        input.Name?.Trim() ?? Name, input.MemoryMinMiB ?? MemoryMinMiB, input.MemoryMaxMiB ?? MemoryMaxMiB, input.VCpuMax ?? VCpuMax,
        input.DiskMaxGiB ?? DiskMaxGiB, input.PricePerGiBHour ?? PricePerGiBHour, input.PricePerVCpuHour ?? PricePerVCpuHour,
        input.PricePerDiskGiBMonth ?? PricePerDiskGiBMonth, input.GuaranteePremiumShare ?? GuaranteePremiumShare,
        input.Currency?.Trim() ?? Currency, input.Billing ?? Billing);

    /// <summary>A plan's prices, what its customers' usage is billed at.</summary>
    public bool SamePricesAs(PlanSettings other) =>
        (PricePerGiBHour, PricePerVCpuHour, PricePerDiskGiBMonth, GuaranteePremiumShare, Currency)
        == (other.PricePerGiBHour, other.PricePerVCpuHour, other.PricePerDiskGiBMonth, other.GuaranteePremiumShare, other.Currency);

    public bool SameBoundsAs(PlanSettings other) =>
        (MemoryMinMiB, MemoryMaxMiB, VCpuMax, DiskMaxGiB) == (other.MemoryMinMiB, other.MemoryMaxMiB, other.VCpuMax, other.DiskMaxGiB);

    public void ApplyTo(Plan plan)
    {
        plan.Name = Name;
        (plan.MemoryMinMiB, plan.MemoryMaxMiB, plan.VCpuMax, plan.DiskMaxGiB) = (MemoryMinMiB, MemoryMaxMiB, VCpuMax, DiskMaxGiB);
        (plan.PricePerGiBHour, plan.PricePerVCpuHour, plan.PricePerDiskGiBMonth) = (PricePerGiBHour, PricePerVCpuHour, PricePerDiskGiBMonth);
        plan.GuaranteePremiumShare = GuaranteePremiumShare;
        (plan.Currency, plan.Billing) = (Currency, Billing);
    }

    /// <summary>"field old → new" for each setting that differs, in the audit's words.</summary>
    public IEnumerable<string> ChangesTo(PlanSettings next)
    {
        (string Field, object Old, object New)[] all =
        [
            ("name", Name, next.Name), ("memoryMinMiB", MemoryMinMiB, next.MemoryMinMiB), ("memoryMaxMiB", MemoryMaxMiB, next.MemoryMaxMiB),
            ("vCpuMax", VCpuMax, next.VCpuMax), ("diskMaxGiB", DiskMaxGiB, next.DiskMaxGiB),
            ("pricePerGiBHour", PricePerGiBHour, next.PricePerGiBHour), ("pricePerVCpuHour", PricePerVCpuHour, next.PricePerVCpuHour),
            ("pricePerDiskGiBMonth", PricePerDiskGiBMonth, next.PricePerDiskGiBMonth),
            ("guaranteePremiumShare", GuaranteePremiumShare, next.GuaranteePremiumShare), ("currency", Currency, next.Currency),
            ("billing", Billing, next.Billing),
        ];
        // Decimals compare by value: 0.0040 and 0.004 are the same price.
        return all.Where(f => !Equals(f.Old, f.New)).Select(f => $"{f.Field} {Text(f.Old)} → {Text(f.New)}");
    }

    /// <summary>The settings in a line, for the audit of a new plan.</summary>
    public string Describe() =>
        $"memory {MemoryMinMiB}–{MemoryMaxMiB} MiB, up to {VCpuMax} vCPUs and {DiskMaxGiB} GiB disk; {Text(PricePerGiBHour)} per GiB-hour, "
        + $"{Text(PricePerVCpuHour)} per vCPU-hour, {Text(PricePerDiskGiBMonth)} per disk GiB-month, guarantee premium {Text(GuaranteePremiumShare)}; "
        + $"{Currency}, {Billing}";

    private static string Text(object value) => value is decimal d ? d.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) : value.ToString() ?? "";
}
