using VzPanel.Core.Common;
using VzPanel.Shared;

namespace VzPanel.Core.Features.Instances;

/// <summary>
/// A disk size in whole GiB, typed the prlctl way like memory (<c>20G</c>, <c>1T</c>, <c>20480M</c>; a plain number is MiB).
/// Disks come in whole GiB between <see cref="MinGiB"/> and <see cref="MaxGiB"/>.
/// </summary>
public static class DiskSize
{
    public const long DefaultGiB = 10;
    public const long MinGiB = 1;
    public const long MaxGiB = 2048;

    /// <summary>The size in GiB, or a validation error for <paramref name="field"/> that says what to type instead.</summary>
    public static Result<long> ParseGiB(string? text, string field = "disk")
    {
        var parsed = MemorySize.Parse(text, "disk");
        if (!parsed.IsSuccess) return Error.Validation(field, parsed.Error!.Message);
        var size = parsed.Value;
        if (size.MiB % MemorySize.MiBPerGiB != 0)
            return Error.Validation(field, $"Disks come in whole GiB; {size} is not a whole number of GiB.");
        var gib = size.MiB / MemorySize.MiBPerGiB;
        if (gib is < MinGiB or > MaxGiB)
            return Error.Validation(field, $"A disk is {MemorySize.FromGiB(MinGiB)} to {MemorySize.FromGiB(MaxGiB)}, not {size}.");
        return gib;
    }

    /// <summary>As people read it: <c>20 GiB</c>.</summary>
    public static string Show(long gib) => $"{gib} GiB";
}
