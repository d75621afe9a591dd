using System.Globalization;

namespace VzPanel.Core.Common;

/// <summary>
/// A memory size in MiB, parsed and printed the prlctl way: <c>512M</c>, <c>2G</c>, <c>1T</c>, <c>4096K</c>;
/// a plain number means MiB. Sizes below one MiB are refused rather than rounded silently.
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

    /// <param name="field">What the size is of, named in the error: "memory", or "disk" for disk sizes, which read the same way.</param>
    public static Result<MemorySize> Parse(string? text, string field = "memory")
    {
        var s = text?.Trim() ?? "";
        if (s.Length == 0) return Invalid(text, "a size is required", field);

        var unit = char.ToUpperInvariant(s[^1]);
        var digits = char.IsLetter(unit) ? s[..^1].TrimEnd() : s;
        if (digits.EndsWith('i') || digits.EndsWith('I')) return Invalid(text, "write 512M or 2G, not MiB/GiB", field);
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            return Invalid(text, "expected a whole number with an optional K, M, G or T suffix", field);

        var (multiplier, divisor) = unit switch
        {
            'K' => (1L, 1024L),
            'M' => (1L, 1L),
            'G' => (1024L, 1L),
            'T' => (1024L * 1024, 1L),
            _ when char.IsDigit(unit) => (1L, 1L),
            _ => (0L, 0L),
        };
        if (multiplier == 0) return Invalid(text, $"unknown unit '{s[^1]}'; use K, M, G or T", field);
        if (n % divisor != 0) return Invalid(text, "the size must be a whole number of MiB", field);
        if (n > long.MaxValue / multiplier / 1024 / 1024) return Invalid(text, "the size is too large", field);

        var mib = n / divisor * multiplier;
        return mib <= 0 ? Invalid(text, "the size must be at least 1M", field) : new MemorySize(mib);
    }

    /// <summary>The largest exact unit: 2048 MiB prints as <c>2G</c>, 1536 MiB as <c>1536M</c>.</summary>
    public override string ToString() => MiB switch
    {
        0 => "0M",
        _ when MiB % (1024 * 1024) == 0 => $"{MiB / (1024 * 1024)}T",
        _ when MiB % 1024 == 0 => $"{MiB / 1024}G",
        _ => $"{MiB}M",
    };

    private static Error Invalid(string? text, string why, string field) =>
        Error.Validation(field, $"'{text}' is not a {field} size: {why}.");
}
