using System.Globalization;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>The refusal texts the panel words from a node's numbers, written out independently of its code.</summary>
public static class Refusals
{
    public static string Guarantees(long guaranteedMiB, long guaranteeableMiB) =>
        $"guarantees would reach {Percent(guaranteedMiB, guaranteeableMiB)}% of RAM minus the host reserve ({Gib(guaranteedMiB)} of {Gib(guaranteeableMiB)} GiB)";

    public static int Percent(long part, long whole) => (int)Math.Round(part * 100.0 / whole, MidpointRounding.AwayFromZero);

    public static string Gib(long mib) => (mib / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
