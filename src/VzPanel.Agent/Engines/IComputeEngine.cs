using VzPanel.Agent.Engines.Migration;

namespace VzPanel.Agent.Engines;

/// <summary>
/// What a node can do, independent of the tool behind it (sim, libvirt, LXC, prlctl) and of gRPC.
/// It mirrors the NodeAgent service one to one. Expected failures throw <see cref="EngineException"/>;
/// anything else is a bug. Mutating calls take the panel's operation id so progress events can name it.
/// </summary>
public interface IComputeEngine
{
    EngineKind Kind { get; }

    Task<NodeDescription> GetNodeInfoAsync(CancellationToken cancellationToken);
    Task<IReadOnlyList<InstanceInfo>> ListInstancesAsync(CancellationToken cancellationToken);

    Task<InstanceInfo> CreateAsync(InstanceDefinition definition, string operationId, CancellationToken cancellationToken);
    Task<InstanceInfo> StartAsync(string instanceId, string operationId, CancellationToken cancellationToken);
    Task<InstanceInfo> StopAsync(string instanceId, StopMode mode, TimeSpan gracefulTimeout, string operationId, CancellationToken cancellationToken);
    Task<InstanceInfo> RestartAsync(string instanceId, string operationId, CancellationToken cancellationToken);
    Task DeleteAsync(string instanceId, bool keepVolumes, string operationId, CancellationToken cancellationToken);
    Task<InstanceInfo> SetMemoryAsync(string instanceId, long memoryMib, string operationId, CancellationToken cancellationToken);
    Task<InstanceInfo> SetMemoryGuaranteeAsync(string instanceId, int percent, string operationId, CancellationToken cancellationToken);
    Task<InstanceInfo> SetVCpusAsync(string instanceId, int vcpus, string operationId, CancellationToken cancellationToken);

    /// <summary>Grows the instance's disk to <paramref name="diskGib"/>; a smaller or equal size is refused (shrinking destroys data).</summary>
    Task<InstanceInfo> ResizeDiskAsync(string instanceId, long diskGib, string operationId, CancellationToken cancellationToken);

    Task<ExecResult> ExecAsync(string instanceId, ExecCommand command, string? operationId, CancellationToken cancellationToken);
    Task<InstanceInfo> SetUserPasswordAsync(string instanceId, string user, string password, string operationId, CancellationToken cancellationToken);
    Task<GuestNetworkConfig> GetGuestNetworkAsync(string instanceId, CancellationToken cancellationToken);
    Task<InstanceInfo> SetGuestNetworkAsync(string instanceId, GuestNetworkConfig network, string operationId, CancellationToken cancellationToken);
    Task<GuestInfo> GetGuestInfoAsync(string instanceId, CancellationToken cancellationToken);

    Task<InstanceCounters> GetCountersAsync(string instanceId, CancellationToken cancellationToken);
    Task<KsmStatistics> GetKsmStatsAsync(CancellationToken cancellationToken);
    Task<IReadOnlyList<StoragePoolInfo>> ListStoragePoolsAsync(CancellationToken cancellationToken);
    Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(string? pool, CancellationToken cancellationToken);

    // Migration, in the panel's steps (docs/decisions/0010-migration-in-steps.md). The gRPC layer makes each idempotent.

    /// <summary>Target: checks it can take the instance (capacity, template) and readies what the transfer needs.</summary>
    Task<IncomingMigration> PrepareIncomingAsync(InstanceDefinition definition, MigrationMode mode, string operationId, CancellationToken cancellationToken);

    /// <summary>Target, engines that stream: takes in what the source's <see cref="MigrateOutAsync"/> sent over the transport.</summary>
    Task AcceptIncomingAsync(string instanceId, Stream payload, CancellationToken cancellationToken);

    /// <summary>
    /// Source: moves the instance to the prepared target. Afterwards the source's copy is stopped and kept (the panel
    /// deletes it once the target runs it); on failure the instance runs on the source as before.
    /// </summary>
    Task<MigrationOutcome> MigrateOutAsync(string instanceId, OutgoingMigration migration, IMigrationTransport transport,
        Action<MigrationProgress> progress, string operationId, CancellationToken cancellationToken);

    /// <summary>Target: registers the moved instance and, with <paramref name="start"/>, makes sure it runs.</summary>
    Task<InstanceInfo> CompleteIncomingAsync(string instanceId, bool start, string operationId, CancellationToken cancellationToken);

    /// <summary>Target: removes whatever a prepared or failed migration left; the instance's copy elsewhere is untouched.</summary>
    Task AbortIncomingAsync(string instanceId, string operationId, CancellationToken cancellationToken);

    /// <summary>
    /// Subscribes to state changes and operation progress. Completes once the subscription is live, so
    /// every event raised after the returned task completes is delivered (tests rely on that).
    /// </summary>
    Task<IEngineEventStream> WatchEventsAsync(CancellationToken cancellationToken);
}

/// <summary>A live event subscription; dispose it to stop receiving.</summary>
public interface IEngineEventStream : IAsyncDisposable
{
    IAsyncEnumerable<EngineEvent> ReadAllAsync(CancellationToken cancellationToken);
}
