using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Templates;

namespace VzPanel.Core.Features.Capacity;

/// <summary>
/// Chooses the node for a new instance: among those that pass every rule, one that has the template in its
/// cache, then the one with the most guarantee headroom.
/// </summary>
public static class Placement
{
    /// <param name="template">The template's name; nodes with a template cache that lack it are skipped (null: not checked).</param>
    public static Result<NodeLoad> Choose(IReadOnlyList<NodeLoad> loads, InstanceKind kind, long memoryMiB, long guaranteedMiB, int vcpus = 1,
        string? template = null)
    {
        if (loads.Count == 0)
            return Error.Conflict("There is no node to place the server on yet. An administrator adds nodes under Nodes.");
        var refusals = new List<string>();
        var lackTemplate = 0;
        NodeLoad? best = null;
        // A node that really has the template in its cache wins over one that accepts any name (the sim).
        foreach (var load in loads.OrderByDescending(l => template is not null && l.Node.HasTemplateCache && l.Node.CanBuildFrom(template, kind))
                     .ThenByDescending(l => l.GuaranteeHeadroomMiB).ThenBy(l => l.Node.Name, StringComparer.Ordinal))
        {
            var node = load.Node;
            var refusal = Admission.RefusalForState(node) ?? Admission.RefusalForKind(node, kind);
            if (refusal is null && Admission.RefusalForTemplate(node, template, kind) is { } noTemplate)
            {
                refusal = noTemplate;
                lackTemplate++;
            }
            refusal ??= Admission.RefusalForSize(node, memoryMiB, vcpus) ?? Admission.RefusalOnNode(load, guaranteedMiB, memoryMiB);
            if (refusal is null)
            {
                best ??= load;
                continue;
            }
            refusals.Add(refusal);
        }
        if (best is not null) return best;
        if (loads.Count == 1) return Admission.Refused(refusals[0]);
        if (lackTemplate == loads.Count) return Error.Conflict($"No node has template {template} ({TemplateCatalog.KindCode(kind)}).");
        return Error.Conflict("No node can take it: " + string.Join("; ", refusals) + ".");
    }

    public static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
