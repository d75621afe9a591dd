using System.Globalization;

namespace VzPanel.Web.Components.Shared;

/// <summary>Numbers as people read them on a dashboard.</summary>
public static class Format
{
    /// <summary>512 MiB, 1.5 GiB, 2 TiB: one decimal at most, binary units as the nodes count them.</summary>
    public static string Memory(long mib) => mib switch
    {
        >= 1024 * 1024 => Scaled(mib / (1024.0 * 1024), "TiB"),
        >= 1024 => Scaled(mib / 1024.0, "GiB"),
        _ => $"{mib} MiB",
    };

    /// <summary>"1 VM", "3 VMs": the count with the noun in the right number.</summary>
    public static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";

    /// <summary>An hourly price to a hundredth of a cent or finer, as it is billed: <c>0.0145 EUR</c>.</summary>
    public static string Hourly(decimal amount, string currency) => Metered(amount, currency);

    /// <summary>An amount as the meter counts it, to the millionth, so a running total visibly moves: <c>1.234567 EUR</c>.</summary>
    public static string Metered(decimal amount, string currency) =>
        $"{decimal.Round(amount, 6).ToString("0.00####", CultureInfo.InvariantCulture)} {currency}";

    /// <summary>A monthly price to the cent: <c>10.59 EUR</c>; a difference carries its sign.</summary>
    public static string Monthly(decimal amount, string currency, bool withSign = false) =>
        $"{(withSign && amount > 0 ? "+" : "")}{amount.ToString("0.00", CultureInfo.InvariantCulture)} {currency}";

    public static string Percent(double share) => share.ToString("0%", CultureInfo.InvariantCulture);

    private static string Scaled(double value, string unit) =>
        $"{value.ToString(value % 1 == 0 ? "0" : "0.#", CultureInfo.InvariantCulture)} {unit}";
}
