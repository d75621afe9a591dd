using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes.Enrollment;

namespace VzPanel.Core.Features.Nodes;

/// <summary>
/// A host that runs containers and virtual machines through one engine, driven by its agent. Its state moves only
/// through enrollment, heartbeats, silence and maintenance (the methods below).
/// </summary>
public sealed class Node
{
    private NodeState _state = NodeState.Pending;

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
    public NodeState State { get => _state; init => _state = value; }
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

    /// <summary>
    /// Its agent reported at <paramref name="at"/>: capacity and address as reported, and Online unless an admin has it in
    /// maintenance.
    /// </summary>
    /// <returns>Whether it came back (it was not Online before).</returns>
    public bool Heartbeat(ReportedNode report, string? agentAddress, DateTimeOffset at)
    {
        CpuCount = report.CpuCount;
        RamMiB = report.RamMiB;
        FreeMiB = report.FreeMiB;
        AgentVersion = report.AgentVersion;
        if (AgentAddress.IsValid(agentAddress)) ManagementAddress = agentAddress!;
        var wasOnline = _state == NodeState.Online;
        if (_state != NodeState.Maintenance) _state = NodeState.Online;
        LastHeartbeatAt = at;
        return !wasOnline && _state == NodeState.Online;
    }

    /// <summary>Its agent enrolled with a join token and got the certificate of <paramref name="thumbprint"/>: the node is Online.</summary>
    public void Enroll(ReportedNode report, string agentAddress, string thumbprint, DateTimeOffset certificateExpiresAt, DateTimeOffset at)
    {
        Engine = report.Engine;
        if (HostReserveMiB == 0) HostReserveMiB = report.HostReserveMiB;
        CertificateThumbprint = thumbprint;
        CertificateExpiresAt = certificateExpiresAt;
        _state = NodeState.Online;
        Heartbeat(report, agentAddress, at);
    }

    /// <summary>Its heartbeats stopped. Only an Online node goes Offline: maintenance and pending stay as they are.</summary>
    public bool FallSilent()
    {
        if (_state != NodeState.Online) return false;
        _state = NodeState.Offline;
        return true;
    }

    /// <summary>An admin drains it: it takes no new servers until maintenance ends.</summary>
    public void EnterMaintenance() => _state = NodeState.Maintenance;

    /// <summary>
    /// Maintenance ends: Online at once; if its heartbeats have stopped meanwhile, the offline monitor takes that back
    /// within a second.
    /// </summary>
    public void EndMaintenance()
    {
        if (_state == NodeState.Maintenance) _state = NodeState.Online;
    }

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
