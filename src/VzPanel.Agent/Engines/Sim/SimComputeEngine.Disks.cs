namespace VzPanel.Agent.Engines.Sim;

public sealed partial class SimComputeEngine
{
    private const long BytesPerGib = 1024L * 1024 * 1024;

    /// <summary>Grows the instance's thin volume, running or not (as QEMU's block resize does); the pool must have room for the growth.</summary>
    public Task<InstanceInfo> ResizeDiskAsync(string instanceId, long diskGib, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.ResizeDisk, instanceId, operationId, async () =>
        {
            lock (_gate)
                DiskToGrow(instanceId, diskGib);
            await SimLatencies.WaitAsync(_options.Latency, SimOperation.ResizeDisk, cancellationToken);
            lock (_gate)
            {
                // Checked again: another call may have grown or deleted it during the latency.
                var (instance, volume) = DiskToGrow(instanceId, diskGib);
                instance.DiskGib = diskGib;
                volume.CapacityBytes = diskGib * BytesPerGib;
                _store.Save(_state);
                return ToInfo(instance);
            }
        }, cancellationToken);

    /// <summary>Under _gate: the instance and its volume, once the growth is allowed.</summary>
    private (SimInstance Instance, SimVolume Volume) DiskToGrow(string instanceId, long diskGib)
    {
        var instance = Find(instanceId);
        EnsureSettled(instance);
        var volume = _state.Volumes.FirstOrDefault(v => v.InstanceId == instanceId)
            ?? throw new EngineException(EngineErrorCode.WrongState, $"instance {instance.Name} has no disk on this node");
        InstanceRules.EnsureDiskGrows(instance.Name, volume.CapacityBytes, diskGib);
        var pool = SimObservations.Pool(_options, _state);
        InstanceRules.EnsurePoolRoom(pool.Name, pool.AvailableBytes, diskGib * BytesPerGib - volume.CapacityBytes);
        return (instance, volume);
    }
}
