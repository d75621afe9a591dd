namespace VzPanel.Agent.Engines.Sim;

public sealed partial class SimComputeEngine
{
    public Task<InstanceInfo> SetMemoryAsync(string instanceId, long memoryMib, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.SetMemory, instanceId, operationId, async () =>
        {
            SimDefinitions.EnsureMemory(memoryMib, _options);
            lock (_gate)
            {
                var instance = Find(instanceId);
                EnsureSettled(instance);
                var used = SimAccounting.UsedMib(instance);
                if (memoryMib < used)
                    throw new EngineException(EngineErrorCode.WrongState,
                        $"instance {instance.Name} uses {used} MiB; memory cannot shrink to {memoryMib} MiB");
                if (SimAccounting.IsActive(instance.State) && memoryMib > instance.MemoryMib)
                    SimAccounting.EnsureGuaranteeFits(_options, _state.Instances, instanceId, memoryMib, instance.GuaranteePercent);
            }
            await SimLatencies.WaitAsync(_options.Latency, SimOperation.SetMemory, cancellationToken);
            return Mutate(instanceId, i => i.MemoryMib = memoryMib);
        }, cancellationToken);

    public Task<InstanceInfo> SetMemoryGuaranteeAsync(string instanceId, int percent, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.SetGuarantee, instanceId, operationId, async () =>
        {
            InstanceRules.EnsureGuaranteePercent(percent);
            lock (_gate)
            {
                var instance = Find(instanceId);
                EnsureSettled(instance);
                if (SimAccounting.IsActive(instance.State) && percent > instance.GuaranteePercent)
                    SimAccounting.EnsureGuaranteeFits(_options, _state.Instances, instanceId, instance.MemoryMib, percent);
            }
            await SimLatencies.WaitAsync(_options.Latency, SimOperation.SetGuarantee, cancellationToken);
            return Mutate(instanceId, i => i.GuaranteePercent = percent);
        }, cancellationToken);

    public Task<InstanceInfo> SetVCpusAsync(string instanceId, int vcpus, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.SetVCpus, instanceId, operationId, async () =>
        {
            InstanceRules.EnsureVCpus(vcpus, _options.CpuCount);
            lock (_gate)
                EnsureSettled(Find(instanceId));
            await SimLatencies.WaitAsync(_options.Latency, SimOperation.SetVCpus, cancellationToken);
            return Mutate(instanceId, i => i.VCpus = vcpus);
        }, cancellationToken);

    /// <summary>Applies a change after the latency; the checks are repeated because another call may have run meanwhile.</summary>
    private InstanceInfo Mutate(string instanceId, Action<SimInstance> change)
    {
        lock (_gate)
        {
            var instance = Find(instanceId);
            EnsureSettled(instance);
            var before = (instance.MemoryMib, instance.GuaranteePercent);
            change(instance);
            if (SimAccounting.IsActive(instance.State) && (instance.MemoryMib, instance.GuaranteePercent) != before)
            {
                try
                {
                    SimAccounting.EnsureGuaranteeFits(_options, _state.Instances, instanceId, instance.MemoryMib, instance.GuaranteePercent);
                }
                catch (EngineException) when (instance.MemoryMib <= before.MemoryMib && instance.GuaranteePercent <= before.GuaranteePercent)
                {
                    // Lowering never makes things worse, even on a node that is already over.
                }
                catch (EngineException)
                {
                    (instance.MemoryMib, instance.GuaranteePercent) = before;
                    throw;
                }
            }
            instance.PhysPagesMaxHeld = Math.Max(instance.PhysPagesMaxHeld, SimAccounting.UsedMib(instance) * SimAccounting.PagesPerMib);
            _store.Save(_state);
            return ToInfo(instance);
        }
    }
}
