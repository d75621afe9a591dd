using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Nodes.Enrollment;

/// <summary>An admin adds a node: it exists as Pending until its agent enrolls with the token.</summary>
public sealed record AddNodeRequest(string Name, long HostReserveMiB = 1024, decimal OvercommitRatio = 1.5m,
    MemoryPolicy MemoryPolicy = MemoryPolicy.Performance);

/// <summary>Shown once to the admin: the token and the exact command to run on the node.</summary>
public sealed record JoinTokenIssued(Guid NodeId, string NodeName, string Token, string Command, DateTimeOffset ExpiresAt);

/// <summary>What an agent reports about its host, at enrollment and in every heartbeat.</summary>
public sealed record ReportedNode(EngineKind Engine, int CpuCount, long RamMiB, long HostReserveMiB, long FreeMiB, string AgentVersion)
{
    /// <summary>Component versions ("libvirt", "qemu", "kernel", …).</summary>
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>"kvm" or "tcg" for VM engines; empty otherwise.</summary>
    public string? Accelerator { get; init; }

    /// <summary>The node's template cache (meaningful with the template-cache capability).</summary>
    public IReadOnlyList<ReportedTemplate> Templates { get; init; } = [];
}

/// <summary>A template as a node reports it; <paramref name="OsFamily"/> is "linux" or "windows".</summary>
public sealed record ReportedTemplate(string Name, InstanceKind Kind, string Version, string? Description = null, string? OsFamily = null);

public sealed record EnrollCommand(Guid TokenId, string Secret, byte[] SigningRequest, string AgentAddress, ReportedNode Node);

public sealed record EnrollResult(Guid NodeId, string NodeName, byte[] Certificate, byte[] CaCertificate, int HeartbeatIntervalSeconds);
