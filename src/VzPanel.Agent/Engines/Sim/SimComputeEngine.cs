using VzPanel.Agent.Hosting;

namespace VzPanel.Agent.Engines.Sim;

/// <summary>
/// A simulated node with real accounting (RAM, guarantees, CPUs, storage), a state machine per
/// instance, configurable latencies and fault injection. State survives restarts in state.json.
/// One lock guards all state; latencies are awaited outside it, with the instance in a transitional state.
/// </summary>
public sealed partial class SimComputeEngine : IComputeEngine
{
    private readonly Lock _gate = new();
    private readonly SimOptions _options;
    private readonly SimStateStore _store;
    private readonly SimFaults _faults;
    private readonly EngineEventHub _events = new();
    private readonly SimState _state;

    /// <param name="crash">Called when the crash fault fires; the host passes Environment.FailFast.</param>
    public SimComputeEngine(SimOptions options, Action crash)
    {
        _options = options;
        _store = new SimStateStore(options.StateDirectory);
        _faults = new SimFaults(options, crash);
        _state = _store.Load();
    }

    public EngineKind Kind => EngineKind.Sim;

    public Task<IEngineEventStream> WatchEventsAsync(CancellationToken cancellationToken) => Task.FromResult(_events.Subscribe());

    public Task<NodeDescription> GetNodeInfoAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var used = _state.Instances.Sum(SimAccounting.UsedMib);
            var hostUse = Math.Min(_options.HostReserveMib, 512);
            return Task.FromResult(new NodeDescription(
                _options.NodeName, EngineKind.Sim, _options.CpuCount, _options.RamMib, _options.HostReserveMib, AgentVersion.Current,
                new Dictionary<string, string> { ["sim"] = AgentVersion.Current, ["kernel"] = Environment.OSVersion.Version.ToString() },
                ["memory-hotplug", "memory-unplug", "guest-agent", "ksm"],
                Math.Max(0, _options.RamMib - used - hostUse),
                SimAccounting.GuaranteedMib(_state.Instances),
                SimAccounting.CommittedMib(_state.Instances)));
        }
    }

    public Task<IReadOnlyList<InstanceInfo>> ListInstancesAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<InstanceInfo>>(_state.Instances.Select(ToInfo).ToList());
    }

    public Task<KsmStatistics> GetKsmStatsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_state.Instances.Any(i => i.State == InstanceState.Running))
                _state.KsmFullScans++;
            return Task.FromResult(SimObservations.Ksm(_state));
        }
    }

    public Task<IReadOnlyList<StoragePoolInfo>> ListStoragePoolsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<StoragePoolInfo>>([SimObservations.Pool(_options, _state)]);
    }

    public Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(string? pool, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(pool) && pool != SimObservations.PoolName)
            throw new EngineException(EngineErrorCode.NotFound, $"storage pool {pool} not found");
        lock (_gate)
            return Task.FromResult<IReadOnlyList<VolumeInfo>>(_state.Volumes.Select(SimObservations.Volume).ToList());
    }

    /// <summary>Fault injection, then the body; success and failure are announced as events.</summary>
    private async Task<T> RunOperationAsync<T>(string operation, string instanceId, string? operationId, Func<Task<T>> body, CancellationToken cancellationToken)
    {
        try
        {
            await _faults.BeforeOperationAsync(operation, cancellationToken);
            var result = await body();
            if (!string.IsNullOrEmpty(operationId))
                _events.Publish(new EngineEvent(DateTimeOffset.UtcNow, EngineEventKind.OperationSucceeded, instanceId, operationId, 100, operation));
            return result;
        }
        catch (EngineException failure) when (!string.IsNullOrEmpty(operationId))
        {
            _events.Publish(new EngineEvent(DateTimeOffset.UtcNow, EngineEventKind.OperationFailed, instanceId, operationId, 0, failure.Message));
            throw;
        }
    }

    // ---- helpers used under _gate ------------------------------------------------------------

    private SimInstance Find(string instanceId) =>
        _state.Instances.FirstOrDefault(i => i.Id == instanceId) ?? throw EngineException.NotFound(instanceId);

    private void Transition(SimInstance instance, InstanceState state, string? operationId)
    {
        instance.State = state;
        instance.PhysPagesMaxHeld = Math.Max(instance.PhysPagesMaxHeld, SimAccounting.UsedMib(instance) * SimAccounting.PagesPerMib);
        _store.Save(_state);
        _events.Publish(new EngineEvent(DateTimeOffset.UtcNow, EngineEventKind.StateChanged, instance.Id, operationId, State: state));
    }

    private void Progress(string instanceId, string operationId, int percent, string message) =>
        _events.Publish(new EngineEvent(DateTimeOffset.UtcNow, EngineEventKind.Progress, instanceId, operationId, percent, message));

    private static void EnsureSettled(SimInstance instance)
    {
        if (instance.State is InstanceState.Starting or InstanceState.Stopping)
            throw EngineException.WrongState(instance.State);
    }

    private static InstanceInfo ToInfo(SimInstance i) => new(
        i.Id, i.Name, i.Kind, i.State, i.MemoryMib, i.GuaranteePercent, i.VCpus, SimAccounting.UsedMib(i),
        i.IpAddresses.ToList(), i.Hostname, i.Template) { DiskGib = i.DiskGib };

    private InstanceInfo Snapshot(string instanceId)
    {
        lock (_gate)
            return ToInfo(Find(instanceId));
    }
}
