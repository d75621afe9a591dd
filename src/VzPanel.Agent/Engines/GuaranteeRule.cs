using System.Globalization;
using VzPanel.Shared;

namespace VzPanel.Agent.Engines;

/// <summary>
/// Virtuozzo's rule (vcmmd), the same for every engine: the guarantees of running instances may not
/// exceed RAM minus the host reserve; memory limits themselves may be oversold. One guarantee is
/// <see cref="MemoryGuarantee.MiB"/>, the formula the panel admits with.
/// </summary>
public static class GuaranteeRule
{
    /// <summary>Refuses, with the share it would reach, when <paramref name="requestMib"/> does not fit beside <paramref name="othersMib"/>.</summary>
    public static void EnsureFits(string nodeName, long othersMib, long requestMib, long availableMib)
    {
        var total = othersMib + requestMib;
        if (total <= availableMib)
            return;
        var share = (int)Math.Round(total * 100.0 / availableMib, MidpointRounding.AwayFromZero);
        throw new EngineException(EngineErrorCode.InsufficientResources,
            $"node {nodeName}: guarantees would reach {share}% of RAM minus the host reserve ({Gib(total)} GiB of {Gib(availableMib)} GiB)");
    }

    public static string Gib(long mib) => (mib / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
