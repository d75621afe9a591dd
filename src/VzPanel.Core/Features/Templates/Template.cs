using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Templates;

/// <summary>An OS template (<c>debian-12-x86_64</c>) that containers or VMs are created from.</summary>
public sealed class Template
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public InstanceKind Kind { get; set; }
    /// <summary>The template's own release (<c>1.0</c>, <c>20261101</c>); templates are immutable once published.</summary>
    public required string Version { get; set; }
    public string? Description { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
