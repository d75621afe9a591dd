using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes.Enrollment;

namespace VzPanel.Core.Features.Nodes.Heartbeats;

/// <summary>What a node says about itself and what it runs, every few seconds and on change.</summary>
/// <param name="SentAt">When the node took this snapshot; inventory changes after it cannot be judged by it.</param>
public sealed record HeartbeatReport(ReportedNode Node, IReadOnlyList<ReportedInstance> Instances, string? AgentAddress, DateTimeOffset? SentAt = null);

public sealed record ReportedInstance(Guid Id, string Name, InstanceKind Kind, InstanceState State, long MemoryMiB, int VCpus);
