using VzPanel.Core.Common;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.GuestTools;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Storage;

namespace VzPanel.Core.Features.Nodes.Agents;

/// <summary>
/// Everything the panel asks of a node's agent, in the panel's own terms. Failures come back as <see cref="Error"/>s
/// with the agent codes of <see cref="AgentErrors"/>; nothing here throws for a node that refused or stayed away.
/// Reads are one try within <c>Agents:ReadTimeoutSeconds</c>. Changes carry an operation id the agent's journal
/// recognises, so they are retried while the node is unreachable (within <c>Jobs:AgentRetryWindowSeconds</c>).
/// </summary>
public interface INodeAgentGateway
{
    /// <summary>The instance as the node reports it now; null when the node does not have it.</summary>
    Task<Result<InstanceOnNode?>> FindInstanceAsync(AgentNode node, Guid instanceId, CancellationToken ct);

    Task<Result<CounterFigures>> GetCountersAsync(AgentNode node, Guid instanceId, CancellationToken ct);

    Task<Result<GuestInfoView>> GetGuestInfoAsync(AgentNode node, Guid instanceId, CancellationToken ct);

    Task<Result<KsmFigures>> GetKsmAsync(AgentNode node, CancellationToken ct);

    Task<Result<IReadOnlyList<StoragePoolFigures>>> ListStoragePoolsAsync(AgentNode node, CancellationToken ct);

    /// <summary>The node's pools and the volumes of one instance that have a size.</summary>
    Task<Result<NodeStorage>> ReadStorageAsync(AgentNode node, Guid instanceId, CancellationToken ct);

    Task<Result<InstanceOnNode?>> CreateAsync(AgentNode node, AgentChange change, NodeInstanceSpec spec, string? rootPassword, CancellationToken ct);

    Task<Result<InstanceOnNode?>> StartAsync(AgentNode node, AgentChange change, Guid instanceId, CancellationToken ct);

    /// <param name="timeoutSeconds">How long a graceful shutdown may take before the node powers it off.</param>
    Task<Result<InstanceOnNode?>> StopAsync(AgentNode node, AgentChange change, Guid instanceId, bool force, int timeoutSeconds, CancellationToken ct);

    Task<Result<InstanceOnNode?>> RestartAsync(AgentNode node, AgentChange change, Guid instanceId, CancellationToken ct);

    Task<Result<InstanceOnNode?>> DeleteAsync(AgentNode node, AgentChange change, Guid instanceId, bool keepVolumes, CancellationToken ct);

    Task<Result<InstanceOnNode?>> SetMemoryAsync(AgentNode node, AgentChange change, Guid instanceId, long memoryMiB, CancellationToken ct);

    Task<Result<InstanceOnNode?>> SetMemoryGuaranteeAsync(AgentNode node, AgentChange change, Guid instanceId, int percent, CancellationToken ct);

    Task<Result<InstanceOnNode?>> SetVCpusAsync(AgentNode node, AgentChange change, Guid instanceId, int vcpus, CancellationToken ct);

    Task<Result<InstanceOnNode?>> ResizeDiskAsync(AgentNode node, AgentChange change, Guid instanceId, long diskGiB, CancellationToken ct);

    /// <summary>The target gets ready to receive the instance and hands out a ticket for the source.</summary>
    Task<Result<MigrationTicket>> PrepareMigrationTargetAsync(AgentNode target, AgentChange change, NodeInstanceSpec spec, MigrationMode mode, CancellationToken ct);

    /// <summary>The source sends the instance to the prepared target; returns when the transfer ended.</summary>
    Task<Result<MigrationOutcome>> MigrateAsync(AgentNode source, AgentChange change, MigrationTransfer transfer, CancellationToken ct);

    Task<Result<MigrationProgressFigures>> GetMigrationProgressAsync(AgentNode source, Guid instanceId, CancellationToken ct);

    /// <summary>Asks the source to stop a transfer under way; the figures say whether one was running.</summary>
    Task<Result<MigrationProgressFigures>> CancelMigrationAsync(AgentNode source, Guid instanceId, CancellationToken ct);

    /// <summary>The target takes the received instance as its own (and starts it when <paramref name="start"/>).</summary>
    Task<Result<InstanceOnNode?>> CompleteMigrationTargetAsync(AgentNode target, AgentChange change, Guid instanceId, bool start, CancellationToken ct);

    /// <summary>The target forgets what it received.</summary>
    Task<Result<InstanceOnNode?>> AbortMigrationTargetAsync(AgentNode target, AgentChange change, Guid instanceId, CancellationToken ct);
}
