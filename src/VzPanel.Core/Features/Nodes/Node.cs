using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Nodes;

/// <summary>A host that runs containers and virtual machines through one engine, driven by its agent.</summary>
public sealed class Node
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }

    /// <summary>Where the panel reaches the node's agent (host or host:port).</summary>
    public required string ManagementAddress { get; set; }

    public EngineKind Engine { get; set; }
    public int CpuCount { get; set; }
    public long RamMiB { get; set; }

    /// <summary>Memory kept for the host itself; guarantees may never eat into it.</summary>
    public long HostReserveMiB { get; set; }

    /// <summary>How far committed memory may exceed RAM (1.0 = no overcommit).</summary>
    public decimal OvercommitRatio { get; set; } = 1.0m;

    public MemoryPolicy MemoryPolicy { get; set; } = MemoryPolicy.Performance;
    public NodeState State { get; set; } = NodeState.Pending;
    public DateTimeOffset? LastHeartbeatAt { get; set; }

    /// <summary>SHA-256 thumbprint of the agent's current certificate; re-enrollment replaces it.</summary>
    public string? CertificateThumbprint { get; set; }

    public DateTimeOffset? CertificateExpiresAt { get; set; }
    public string? AgentVersion { get; set; }
    public long FreeMiB { get; set; }

    /// <summary>Where inventory and the node's own report disagree, in words; shown, never silently fixed.</summary>
    public List<string> Drift { get; set; } = [];

    /// <summary>What the node runs on, as its agent reports it: "libvirt", "qemu", "kernel", …, each with its version.</summary>
    public Dictionary<string, string> Versions { get; set; } = [];

    /// <summary>What the node's engine can do ("memory-hotplug", "guest-agent", <see cref="NodeCapabilities.TemplateCache"/>, …).</summary>
    public List<string> Capabilities { get; set; } = [];

    /// <summary>How the node runs VMs: "kvm" (hardware) or "tcg" (software emulation); null for engines without VMs.</summary>
    public string? Accelerator { get; set; }

    /// <summary>The node's local template cache; binding only with <see cref="NodeCapabilities.TemplateCache"/>.</summary>
    public List<NodeTemplate> Templates { get; set; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public uint Version { get; private set; }

    /// <summary>RAM that guarantees may use: everything but the host reserve.</summary>
    public long GuaranteeableMiB => Math.Max(0, RamMiB - HostReserveMiB);

    /// <summary>The ceiling for the sum of all instances' memory on this node.</summary>
    public long CommittableMiB => (long)Math.Floor(RamMiB * OvercommitRatio);

    /// <summary>Whether the node creates only from templates it has (it reports its cache), rather than from any name.</summary>
    public bool HasTemplateCache => Capabilities.Contains(NodeCapabilities.TemplateCache);

    /// <summary>Whether the node can build an instance of <paramref name="kind"/> from the template named <paramref name="template"/>.</summary>
    public bool CanBuildFrom(string template, InstanceKind kind) =>
        !HasTemplateCache || Templates.Exists(t => t.Kind == kind && string.Equals(t.Name, template, StringComparison.Ordinal));
}

/// <summary>A template in a node's cache: which one and which release of it.</summary>
public sealed record NodeTemplate(string Name, InstanceKind Kind, string Version);

/// <summary>Capability names agents report that the panel acts on.</summary>
public static class NodeCapabilities
{
    /// <summary>The node keeps a local template cache, reports it, and builds only from it (libvirt, LXC; not the sim).</summary>
    public const string TemplateCache = "template-cache";
}

/// <summary>How the node's agent runs instances.</summary>
public enum EngineKind { Libvirt, Lxc, Prlctl, Sim }

/// <summary>vcmmd-style policy: keep memory for guarantees (performance) or pack more instances (density).</summary>
public enum MemoryPolicy { Performance, Density }

public enum NodeState { Pending, Online, Offline, Maintenance }
