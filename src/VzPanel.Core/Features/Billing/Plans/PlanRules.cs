using System.Text.RegularExpressions;
using VzPanel.Core.Common;

namespace VzPanel.Core.Features.Billing.Plans;

/// <summary>The shape a plan must have; every refusal names its field and says why, all of them at once.</summary>
internal static partial class PlanRules
{
    public const int MaxNameLength = 100;

    /// <summary>No unit of anything costs more than this per hour (per month for disk): more is a typo, not a price.</summary>
    public const decimal MaxUnitPrice = 1000m;

    /// <summary>A guaranteed GiB costs at most this many times the memory price on top.</summary>
    public const decimal MaxGuaranteePremiumShare = 10m;

    // The columns keep six decimals of a price and four of the premium; more would be rounded away without a word.
    private const int PriceDecimals = 6;
    private const int PremiumDecimals = 4;

    /// <summary>The fields a new plan cannot do without (the guarantee premium is optional: none).</summary>
    public static Error? Missing(PlanInput input)
    {
        (string Field, bool Given)[] required =
        [
            ("name", input.Name is not null), ("memoryMinMiB", input.MemoryMinMiB is not null), ("memoryMaxMiB", input.MemoryMaxMiB is not null),
            ("vCpuMax", input.VCpuMax is not null), ("diskMaxGiB", input.DiskMaxGiB is not null),
            ("pricePerGiBHour", input.PricePerGiBHour is not null), ("pricePerVCpuHour", input.PricePerVCpuHour is not null),
            ("pricePerDiskGiBMonth", input.PricePerDiskGiBMonth is not null), ("currency", input.Currency is not null),
            ("billing", input.Billing is not null),
        ];
        var missing = required.Where(f => !f.Given).ToDictionary(f => f.Field, f => new[] { $"{f.Field} is required for a new plan." });
        return missing.Count == 0 ? null : PlanErrors.InvalidFields(missing);
    }

    public static Error? Check(PlanSettings s)
    {
        var fields = new Dictionary<string, string[]>();
        void Refuse(string field, string why) => fields.TryAdd(field, [why]);

        if (s.Name.Length == 0) Refuse("name", "Give the plan a name.");
        else if (s.Name.Length > MaxNameLength) Refuse("name", $"A plan name has at most {MaxNameLength} characters, not {s.Name.Length}.");

        if (s.MemoryMinMiB <= 0) Refuse("memoryMinMiB", $"memoryMinMiB must be at least 1 MiB, not {s.MemoryMinMiB}.");
        if (s.MemoryMaxMiB <= 0) Refuse("memoryMaxMiB", $"memoryMaxMiB must be at least 1 MiB, not {s.MemoryMaxMiB}.");
        else if (s.MemoryMaxMiB < s.MemoryMinMiB)
            Refuse("memoryMaxMiB", $"memoryMaxMiB ({s.MemoryMaxMiB}) cannot be below memoryMinMiB ({s.MemoryMinMiB}).");
        if (s.VCpuMax <= 0) Refuse("vCpuMax", $"vCpuMax must be at least 1, not {s.VCpuMax}.");
        if (s.DiskMaxGiB <= 0) Refuse("diskMaxGiB", $"diskMaxGiB must be at least 1 GiB, not {s.DiskMaxGiB}.");

        Price("pricePerGiBHour", s.PricePerGiBHour, Refuse);
        Price("pricePerVCpuHour", s.PricePerVCpuHour, Refuse);
        Price("pricePerDiskGiBMonth", s.PricePerDiskGiBMonth, Refuse);
        if (s.GuaranteePremiumShare is < 0 or > MaxGuaranteePremiumShare)
            Refuse("guaranteePremiumShare", $"guaranteePremiumShare is a share of the memory price from 0 to {MaxGuaranteePremiumShare} (0.25 = a quarter more), not {s.GuaranteePremiumShare}.");
        else if (s.GuaranteePremiumShare != Math.Round(s.GuaranteePremiumShare, PremiumDecimals))
            Refuse("guaranteePremiumShare", $"guaranteePremiumShare has at most {PremiumDecimals} decimals, not {s.GuaranteePremiumShare}.");

        if (!IsoCurrency().IsMatch(s.Currency)) Refuse("currency", $"currency is a three-letter upper-case ISO 4217 code such as EUR or USD, not '{s.Currency}'.");
        if (!Enum.IsDefined(s.Billing)) Refuse("billing", "billing is Prepaid or Postpaid.");

        return fields.Count == 0 ? null : PlanErrors.InvalidFields(fields);
    }

    private static void Price(string field, decimal price, Action<string, string> refuse)
    {
        if (price is < 0 or > MaxUnitPrice) refuse(field, $"{field} must be from 0 to {MaxUnitPrice}, not {price}.");
        else if (price != Math.Round(price, PriceDecimals)) refuse(field, $"{field} has at most {PriceDecimals} decimals, not {price}.");
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex IsoCurrency();
}
