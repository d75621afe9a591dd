using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Capacity;

/// <summary>Chooses the node for a new instance: the one with the most guarantee headroom that passes every rule.</summary>
public static class Placement
{
    public static Result<NodeLoad> Choose(IReadOnlyList<NodeLoad> loads, InstanceKind kind, long memoryMiB, long guaranteedMiB, int vcpus = 1)
    {
        if (loads.Count == 0)
            return Error.Conflict("There is no node to place the server on yet. An administrator adds nodes under Nodes.");
        var refusals = new List<string>();
        NodeLoad? best = null;
        foreach (var load in loads.OrderByDescending(l => l.GuaranteeHeadroomMiB).ThenBy(l => l.Node.Name, StringComparer.Ordinal))
        {
            var refusal = Admission.RefusalForState(load.Node) ?? Admission.RefusalForKind(load.Node, kind)
                ?? Admission.RefusalForSize(load.Node, memoryMiB, vcpus) ?? Admission.RefusalOnNode(load, guaranteedMiB, memoryMiB);
            if (refusal is null)
            {
                best ??= load;
                continue;
            }
            refusals.Add(refusal);
        }
        if (best is not null) return best;
        return loads.Count == 1 ? Admission.Refused(refusals[0]) : Error.Conflict("No node can take it: " + string.Join("; ", refusals) + ".");
    }

    public static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
