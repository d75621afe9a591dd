namespace VzPanel.Agent.Engines.Sim;

public sealed partial class SimComputeEngine
{
    private const long DefaultDiskGib = 10;

    public Task<InstanceInfo> CreateAsync(InstanceDefinition definition, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.Create, definition.Id, operationId, async () =>
        {
            var instance = SimDefinitions.ToInstance(definition, _options, DefaultDiskGib);
            lock (_gate)
            {
                if (_state.Instances.Any(i => i.Id == definition.Id))
                    throw new EngineException(EngineErrorCode.InvalidArgument, $"instance {definition.Id} already exists");
                var pool = SimObservations.Pool(_options, _state);
                var volume = SimObservations.NewVolume(instance);
                if (volume.AllocationBytes > pool.AvailableBytes)
                    throw new EngineException(EngineErrorCode.InsufficientResources,
                        $"node {_options.NodeName}: storage pool {pool.Name} has {pool.AvailableBytes >> 20} MiB free, the new volume needs {volume.AllocationBytes >> 20} MiB");
            }

            Progress(definition.Id, operationId, 10, "allocating volume");
            await SimLatencies.WaitAsync(_options.Latency, SimOperation.Create, cancellationToken);
            Progress(definition.Id, operationId, 90, "template unpacked");

            lock (_gate)
            {
                if (_state.Instances.Any(i => i.Id == definition.Id))
                    throw new EngineException(EngineErrorCode.InvalidArgument, $"instance {definition.Id} already exists");
                _state.Instances.Add(instance);
                // A volume kept by an earlier delete is attached again instead of made anew.
                if (!_state.Volumes.Any(v => v.InstanceId == instance.Id))
                    _state.Volumes.Add(SimObservations.NewVolume(instance));
                Transition(instance, InstanceState.Stopped, operationId);
                return ToInfo(instance);
            }
        }, cancellationToken);

    public Task<InstanceInfo> StartAsync(string instanceId, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.Start, instanceId, operationId, async () =>
        {
            lock (_gate)
            {
                var instance = Find(instanceId);
                if (instance.State != InstanceState.Stopped)
                    throw EngineException.WrongState(instance.State);
                SimAccounting.EnsureGuaranteeFits(_options, _state.Instances, instanceId, instance.MemoryMib, instance.GuaranteePercent);
                Transition(instance, InstanceState.Starting, operationId);
            }
            await FinishTransitionAsync(instanceId, SimOperation.Start, InstanceState.Running, InstanceState.Stopped, operationId, cancellationToken);
            return Snapshot(instanceId);
        }, cancellationToken);

    public Task<InstanceInfo> StopAsync(string instanceId, StopMode mode, TimeSpan gracefulTimeout, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.Stop, instanceId, operationId, async () =>
        {
            BeginStop(instanceId, operationId);
            var shutdown = SimLatencies.For(_options.Latency, SimOperation.Stop);
            if (mode == StopMode.Graceful && gracefulTimeout > TimeSpan.Zero && gracefulTimeout < shutdown)
            {
                // The guest did not finish its shutdown in time: power it off, as prlctl stop --kill would.
                await WaitOrRollBackAsync(instanceId, gracefulTimeout, InstanceState.Running, cancellationToken);
                Progress(instanceId, operationId, 90, $"graceful shutdown timed out after {gracefulTimeout.TotalSeconds:0.#} s; powered off");
                lock (_gate)
                    Transition(Find(instanceId), InstanceState.Stopped, operationId);
            }
            else if (mode == StopMode.Forced)
            {
                lock (_gate)
                    Transition(Find(instanceId), InstanceState.Stopped, operationId);
            }
            else
            {
                await FinishTransitionAsync(instanceId, SimOperation.Stop, InstanceState.Stopped, InstanceState.Running, operationId, cancellationToken);
            }
            return Snapshot(instanceId);
        }, cancellationToken);

    public Task<InstanceInfo> RestartAsync(string instanceId, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.Restart, instanceId, operationId, async () =>
        {
            BeginStop(instanceId, operationId);
            await FinishTransitionAsync(instanceId, SimOperation.Stop, InstanceState.Stopped, InstanceState.Running, operationId, cancellationToken);
            lock (_gate)
                Transition(Find(instanceId), InstanceState.Starting, operationId);
            await FinishTransitionAsync(instanceId, SimOperation.Start, InstanceState.Running, InstanceState.Stopped, operationId, cancellationToken);
            return Snapshot(instanceId);
        }, cancellationToken);

    public Task DeleteAsync(string instanceId, bool keepVolumes, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.Delete, instanceId, operationId, async () =>
        {
            lock (_gate)
            {
                var instance = Find(instanceId);
                if (instance.State != InstanceState.Stopped)
                    throw EngineException.WrongState(instance.State);
            }
            await SimLatencies.WaitAsync(_options.Latency, SimOperation.Delete, cancellationToken);
            lock (_gate)
            {
                _state.Instances.Remove(Find(instanceId));
                if (!keepVolumes)
                    _state.Volumes.RemoveAll(v => v.InstanceId == instanceId);
                _store.Save(_state);
            }
            return true;
        }, cancellationToken);

    private void BeginStop(string instanceId, string operationId)
    {
        lock (_gate)
        {
            var instance = Find(instanceId);
            if (instance.State != InstanceState.Running)
                throw EngineException.WrongState(instance.State);
            Transition(instance, InstanceState.Stopping, operationId);
        }
    }

    /// <summary>Waits out the simulated latency, then settles; a cancelled wait puts the instance back.</summary>
    private async Task FinishTransitionAsync(string instanceId, string operation, InstanceState target, InstanceState rollBackTo, string operationId, CancellationToken cancellationToken)
    {
        await WaitOrRollBackAsync(instanceId, SimLatencies.For(_options.Latency, operation), rollBackTo, cancellationToken);
        lock (_gate)
            Transition(Find(instanceId), target, operationId);
    }

    private async Task WaitOrRollBackAsync(string instanceId, TimeSpan wait, InstanceState rollBackTo, CancellationToken cancellationToken)
    {
        try
        {
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
                Transition(Find(instanceId), rollBackTo, operationId: null);
            throw;
        }
    }
}
