using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Migration;

namespace VzPanel.Core.Features.Nodes.Agents;

/// <summary>Which node's agent to ask, and where it listens now.</summary>
public sealed record AgentNode(Guid Id, string Name, string Address)
{
    public static AgentNode Of(Node node) => new(node.Id, node.Name, node.ManagementAddress);
}

/// <summary>An instance as its node reports it.</summary>
/// <param name="DiskGiB">0 when the node does not know a size (a container's folder).</param>
public sealed record InstanceOnNode(
    Guid Id, string Name, InstanceKind Kind, InstanceState State, long MemoryMiB, int MemoryGuaranteePercent, int VCpus, long MemoryUsedMiB, long DiskGiB);

/// <summary>An instance as a node is told about it (the root password travels separately, only on create).</summary>
public sealed record NodeInstanceSpec(
    Guid Id, string Name, InstanceKind Kind, string? Template, long MemoryMiB, int MemoryGuaranteePercent, int VCpus, int? CpuLimitPercent,
    string? Hostname, IReadOnlyList<string> IpAddresses, long DiskGiB);

/// <summary>
/// One change sent to a node. <see cref="OperationId"/> is what the agent's journal recognises, so the same change may be
/// sent again; <see cref="OnWaiting"/> hears, in words, when the node is away and the change waits for it.
/// </summary>
public sealed record AgentChange(string OperationId, Func<string, Task> OnWaiting)
{
    /// <summary>
    /// Whether the node already did it, asked before a retry (the node may have acted and lost its reply) and, with
    /// <see cref="LookFirst"/>, before the first try too. Null: never asked.
    /// </summary>
    public Func<InstanceOnNode?, bool>? AlreadyDone { get; init; }

    /// <summary>Ask <see cref="AlreadyDone"/> before the first try (a re-run, or a step that may not be needed).</summary>
    public bool LookFirst { get; init; }

    /// <summary>
    /// What the change does, in words; when the node is back and the change is sent again it is told to
    /// <see cref="OnWaiting"/> once more (with the attempt), so the progress does not go on saying it waits.
    /// </summary>
    public string? Label { get; init; }
}

/// <summary>A node's beancounter-style counters of one instance.</summary>
public sealed record CounterFigures(IReadOnlyList<CounterView> Counters, long OomKills);

/// <summary>What a prepared target hands the source: where to send and the one-time ticket. Opaque to the panel.</summary>
public sealed record MigrationTicket(string OperationId, Guid NodeId, string Address, string Ticket, IReadOnlyDictionary<string, string> Engine,
    DateTimeOffset? ExpiresAt);

/// <summary>What the source is asked to send, where to, and within which limits.</summary>
public sealed record MigrationTransfer(Guid InstanceId, MigrationTicket Target, MigrationMode Mode, int MaxDowntimeMs, int BandwidthMibPerSecond);

/// <summary>How a finished transfer went, in the source's figures.</summary>
public sealed record MigrationOutcome(long TransferredBytes, long DowntimeMs, long DurationMs);

/// <summary>A transfer under way on the source; <see cref="Active"/> false when none runs.</summary>
public sealed record MigrationProgressFigures(bool Active, string Phase, long TotalBytes, long TransferredBytes, long RemainingBytes,
    long DirtyBytesPerSecond);
