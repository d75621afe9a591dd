using System.Globalization;

namespace VzPanel.Agent.Cli;

/// <summary>Memory sizes the prlctl way: 512M, 2G, 1T, 1048576K; a plain number is MiB.</summary>
public static class MemorySize
{
    public static bool TryParseMib(string? text, out long mib)
    {
        mib = 0;
        var value = (text ?? "").Trim();
        if (value.Length == 0)
            return false;
        var unit = char.ToUpperInvariant(value[^1]);
        var digits = char.IsAsciiDigit(value[^1]) ? value : value[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return false;
        try
        {
            mib = unit switch
            {
                'K' when number % 1024 == 0 => number / 1024,
                'K' => -1,
                'M' => number,
                'G' => checked(number * 1024),
                'T' => checked(number * 1024 * 1024),
                _ when char.IsAsciiDigit(unit) => number,
                _ => -1,
            };
        }
        catch (OverflowException)
        {
            return false;
        }
        return mib >= 0;
    }
}
