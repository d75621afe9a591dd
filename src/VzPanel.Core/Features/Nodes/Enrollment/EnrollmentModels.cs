namespace VzPanel.Core.Features.Nodes.Enrollment;

/// <summary>An admin adds a node: it exists as Pending until its agent enrolls with the token.</summary>
public sealed record AddNodeRequest(string Name, long HostReserveMiB = 1024, decimal OvercommitRatio = 1.5m,
    MemoryPolicy MemoryPolicy = MemoryPolicy.Performance);

/// <summary>Shown once to the admin: the token and the exact command to run on the node.</summary>
public sealed record JoinTokenIssued(Guid NodeId, string NodeName, string Token, string Command, DateTimeOffset ExpiresAt);

/// <summary>What an agent reports about its host, at enrollment and in every heartbeat.</summary>
public sealed record ReportedNode(EngineKind Engine, int CpuCount, long RamMiB, long HostReserveMiB, long FreeMiB, string AgentVersion);

public sealed record EnrollCommand(Guid TokenId, string Secret, byte[] SigningRequest, string AgentAddress, ReportedNode Node);

public sealed record EnrollResult(Guid NodeId, string NodeName, byte[] Certificate, byte[] CaCertificate, int HeartbeatIntervalSeconds);
