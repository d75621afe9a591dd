using System.Globalization;

namespace VzPanel.Shared;

/// <summary>
/// A memory size in MiB, parsed and printed the prlctl way by the panel's forms and API and by the agent's
/// options: <c>512M</c>, <c>2G</c>, <c>1T</c>, <c>4096K</c>; a plain number means MiB. Sizes that are not a whole
/// number of MiB are refused rather than rounded silently. The panel reads it as a <c>Result</c> through
/// <c>MemorySize.Parse</c> (VzPanel.Core's <c>Common/MemorySizeParsing.cs</c>).
/// </summary>
public readonly record struct MemorySize(long MiB) : IComparable<MemorySize>
{
    public const long MiBPerGiB = 1024;

    public static MemorySize FromGiB(long gib) => new(gib * MiBPerGiB);

    public long Bytes => MiB * 1024 * 1024;

    public int CompareTo(MemorySize other) => MiB.CompareTo(other.MiB);

    public static bool operator <(MemorySize a, MemorySize b) => a.MiB < b.MiB;
    public static bool operator >(MemorySize a, MemorySize b) => a.MiB > b.MiB;
    public static bool operator <=(MemorySize a, MemorySize b) => a.MiB <= b.MiB;
    public static bool operator >=(MemorySize a, MemorySize b) => a.MiB >= b.MiB;

    /// <summary>
    /// Reads a size. Zero is a size here (the agent's <c>--ct-swap 0</c>); memory and disks, which cannot be
    /// zero, are refused by the panel's own reading.
    /// </summary>
    /// <param name="why">When it returns false: what is wrong, worded to follow "'12X' is not a size: ".</param>
    public static bool TryParse(string? text, out MemorySize size, out string why)
    {
        size = default;
        var s = text?.Trim() ?? "";
        if (s.Length == 0) return Refuse("a size is required", out why);

        var unit = char.ToUpperInvariant(s[^1]);
        var digits = char.IsLetter(unit) ? s[..^1].TrimEnd() : s;
        if (digits.EndsWith('i') || digits.EndsWith('I')) return Refuse("write 512M or 2G, not MiB/GiB", out why);
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            return Refuse("expected a whole number with an optional K, M, G or T suffix", out why);

        var (multiplier, divisor) = unit switch
        {
            'K' => (1L, 1024L),
            'M' => (1L, 1L),
            'G' => (1024L, 1L),
            'T' => (1024L * 1024, 1L),
            _ when char.IsDigit(unit) => (1L, 1L),
            _ => (0L, 0L),
        };
        if (multiplier == 0) return Refuse($"unknown unit '{s[^1]}'; use K, M, G or T", out why);
        if (n % divisor != 0) return Refuse("the size must be a whole number of MiB", out why);
        // Bytes must stay a long as well, not only MiB.
        if (n > long.MaxValue / multiplier / 1024 / 1024) return Refuse("the size is too large", out why);

        size = new MemorySize(n / divisor * multiplier);
        why = "";
        return true;
    }

    /// <summary>The largest exact unit: 2048 MiB prints as <c>2G</c>, 1536 MiB as <c>1536M</c>.</summary>
    public override string ToString() => MiB switch
    {
        0 => "0M",
        _ when MiB % (1024 * 1024) == 0 => $"{MiB / (1024 * 1024)}T",
        _ when MiB % 1024 == 0 => $"{MiB / 1024}G",
        _ => $"{MiB}M",
    };

    private static bool Refuse(string reason, out string why)
    {
        why = reason;
        return false;
    }
}
