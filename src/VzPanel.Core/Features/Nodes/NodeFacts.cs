using VzPanel.Core.Features.Nodes.Enrollment;

namespace VzPanel.Core.Features.Nodes;

/// <summary>
/// Keeps what a node says about itself (versions, capabilities, accelerator, template cache) on its row.
/// Heartbeats come every few seconds and almost always repeat themselves, so a fact is assigned only when it
/// differs: an unchanged report writes none of these columns.
/// </summary>
public static class NodeFacts
{
    public const int MaxAcceleratorLength = 16;
    public const int MaxTemplateNameLength = 100;
    public const int MaxTemplateVersionLength = 40;
    public const int MaxTemplateDescriptionLength = 500;

    /// <summary>Applies <paramref name="reported"/> to <paramref name="node"/>; true when the template cache changed.</summary>
    public static bool Apply(Node node, ReportedNode reported)
    {
        if (!SameVersions(node.Versions, reported.Versions))
            node.Versions = reported.Versions.Where(v => v.Key.Length > 0).OrderBy(v => v.Key, StringComparer.Ordinal)
                .ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        if (!node.Capabilities.SequenceEqual(reported.Capabilities, StringComparer.Ordinal))
            node.Capabilities = [.. reported.Capabilities];
        var accelerator = string.IsNullOrWhiteSpace(reported.Accelerator) || reported.Accelerator.Length > MaxAcceleratorLength
            ? null : reported.Accelerator;
        if (node.Accelerator != accelerator) node.Accelerator = accelerator;

        var templates = Usable(reported.Templates).Select(t => new NodeTemplate(t.Name, t.Kind, t.Version)).Distinct().ToList();
        if (node.Templates.SequenceEqual(templates)) return false;
        node.Templates = templates;
        return true;
    }

    /// <summary>The reported templates the panel can store: a name and version that fit, once each.</summary>
    public static IEnumerable<ReportedTemplate> Usable(IEnumerable<ReportedTemplate> reported) =>
        reported.Where(t => !string.IsNullOrWhiteSpace(t.Name) && t.Name.Length <= MaxTemplateNameLength && t.Version.Length <= MaxTemplateVersionLength)
            .DistinctBy(t => (t.Name, t.Kind, t.Version));

    private static bool SameVersions(Dictionary<string, string> stored, IReadOnlyDictionary<string, string> reported) =>
        stored.Count == reported.Count(v => v.Key.Length > 0)
        && reported.All(v => v.Key.Length == 0 || (stored.TryGetValue(v.Key, out var version) && version == v.Value));
}
