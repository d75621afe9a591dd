using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using VzPanel.Agent.Engines.Migration;

namespace VzPanel.Agent.Engines.Sim;

/// <summary>
/// Migration between sim nodes: the instance's record really travels over the agents' channel (with filler bytes
/// standing in for memory and disk, 1 KiB per MiB), the transfer takes the time the simulated bandwidth gives it,
/// and accounting on both nodes follows.
/// </summary>
public sealed partial class SimComputeEngine
{
    private const int FillerBytesPerMib = 1024;
    private const int Steps = 10;
    private static readonly TimeSpan SimulatedSwitchOver = TimeSpan.FromMilliseconds(25);

    public Task<IncomingMigration> PrepareIncomingAsync(InstanceDefinition definition, MigrationMode mode, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.MigratePrepare, definition.Id, operationId, () =>
        {
            var instance = SimDefinitions.ToInstance(definition, _options, DefaultDiskGib);
            lock (_gate)
            {
                if (_state.Instances.Any(i => i.Id == definition.Id))
                    throw new EngineException(EngineErrorCode.InvalidArgument, $"instance {definition.Id} already exists on node {_options.NodeName}");
                var willRun = mode != MigrationMode.Offline;
                if (willRun)
                    SimAccounting.EnsureGuaranteeFits(_options, _state.Instances, instance.Id, instance.MemoryMib, instance.GuaranteePercent);
                var pool = SimObservations.Pool(_options, _state);
                var volume = SimObservations.NewVolume(instance);
                if (volume.AllocationBytes > pool.AvailableBytes)
                    throw new EngineException(EngineErrorCode.InsufficientResources,
                        $"node {_options.NodeName}: storage pool {pool.Name} has {pool.AvailableBytes >> 20} MiB free, the volume needs {volume.AllocationBytes >> 20} MiB");
                _state.Incoming.RemoveAll(i => i.Id == definition.Id);
                _state.Incoming.Add(new SimIncoming { Id = definition.Id, WillRun = willRun });
                _store.Save(_state);
            }
            return Task.FromResult(new IncomingMigration(new Dictionary<string, string>()));
        }, cancellationToken);

    public async Task AcceptIncomingAsync(string instanceId, Stream payload, CancellationToken cancellationToken)
    {
        // The record first, length-prefixed; the filler after it is read and dropped.
        var length = new byte[4];
        await payload.ReadExactlyAsync(length, cancellationToken);
        var header = new byte[BinaryPrimitives.ReadInt32BigEndian(length)];
        await payload.ReadExactlyAsync(header, cancellationToken);
        var sent = JsonSerializer.Deserialize<SimPayload>(header)
            ?? throw new EngineException(EngineErrorCode.InvalidArgument, "the transfer carried no instance");
        var filler = new byte[81920];
        while (await payload.ReadAsync(filler, cancellationToken) > 0) { }
        if (sent.Instance.Id != instanceId)
            throw new EngineException(EngineErrorCode.InvalidArgument, $"the transfer carried instance {sent.Instance.Id}, not {instanceId}");
        lock (_gate)
        {
            var incoming = _state.Incoming.FirstOrDefault(i => i.Id == instanceId)
                ?? throw new EngineException(EngineErrorCode.WrongState, $"node {_options.NodeName} was not prepared to take instance {instanceId}");
            incoming.Received = sent.Instance;
            incoming.Volume = sent.Volume;
            _store.Save(_state);
        }
    }

    public Task<MigrationOutcome> MigrateOutAsync(string instanceId, OutgoingMigration migration, IMigrationTransport transport,
        Action<MigrationProgress> progress, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.MigrateOut, instanceId, operationId, async () =>
        {
            SimInstance copy;
            SimVolume? volume;
            lock (_gate)
            {
                var instance = Find(instanceId);
                EnsureSettled(instance);
                if (migration.Mode == MigrationMode.Live && instance.State != InstanceState.Running)
                    throw new EngineException(EngineErrorCode.WrongState, "a live migration needs a running instance");
                if (migration.Mode == MigrationMode.Offline && instance.State != InstanceState.Stopped)
                    throw new EngineException(EngineErrorCode.WrongState, "an offline migration needs a stopped instance");
                copy = Clone(instance);
                volume = _state.Volumes.FirstOrDefault(v => v.InstanceId == instanceId);
            }

            var clock = Stopwatch.StartNew();
            var wasRunning = copy.State == InstanceState.Running;
            if (migration.Mode == MigrationMode.Cold && wasRunning)
                SetState(instanceId, InstanceState.Stopped, operationId);
            var stoppedAt = migration.Mode == MigrationMode.Cold ? clock.Elapsed : (TimeSpan?)null;
            try
            {
                var memoryMib = migration.Mode == MigrationMode.Live ? SimAccounting.UsedMib(copy) : 0;
                var diskMib = (volume?.AllocationBytes ?? 0) >> 20;
                copy.State = wasRunning ? InstanceState.Running : InstanceState.Stopped;
                // The channel opens first, as a real transfer's would: a target that is gone fails it at once, one that
                // dies on the way breaks it off.
                var sent = await transport.SendAsync(async (stream, ct) =>
                {
                    var header = JsonSerializer.SerializeToUtf8Bytes(new SimPayload(copy, volume));
                    var length = new byte[4];
                    BinaryPrimitives.WriteInt32BigEndian(length, header.Length);
                    await stream.WriteAsync(length, ct);
                    await stream.WriteAsync(header, ct);
                    await SimulateTransferAsync(stream, memoryMib, diskMib, migration, progress, ct);
                    if (migration.Mode == MigrationMode.Live)
                    {
                        // Switch-over: the guest pauses here and resumes on the target.
                        stoppedAt = clock.Elapsed;
                        progress(new MigrationProgress("switch-over", memoryMib + diskMib << 20, memoryMib + diskMib << 20, 0, 0));
                        await Task.Delay(SimulatedSwitchOver, ct);
                    }
                }, cancellationToken);
                if (migration.Mode == MigrationMode.Live) SetState(instanceId, InstanceState.Stopped, operationId);
                var downtime = stoppedAt is { } at ? clock.Elapsed - at : TimeSpan.Zero;
                return new MigrationOutcome(migration.Mode, sent, (long)downtime.TotalMilliseconds, Snapshot(instanceId));
            }
            catch (Exception) when (migration.Mode == MigrationMode.Cold && wasRunning)
            {
                // It stopped for the move: the move failed, so it runs here again.
                SetState(instanceId, InstanceState.Running, operationId);
                throw;
            }
        }, cancellationToken);

    public Task<InstanceInfo> CompleteIncomingAsync(string instanceId, bool start, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.MigrateComplete, instanceId, operationId, () =>
        {
            lock (_gate)
            {
                var instance = _state.Instances.FirstOrDefault(i => i.Id == instanceId);
                if (instance is null)
                {
                    var incoming = _state.Incoming.FirstOrDefault(i => i.Id == instanceId);
                    if (incoming?.Received is not { } received)
                        throw new EngineException(EngineErrorCode.WrongState, $"node {_options.NodeName} has not received instance {instanceId}");
                    if (start)
                        SimAccounting.EnsureGuaranteeFits(_options, _state.Instances, instanceId, received.MemoryMib, received.GuaranteePercent);
                    received.State = InstanceState.Stopped;
                    received.ArrivedByMigration = true;
                    _state.Instances.Add(received);
                    _state.Volumes.RemoveAll(v => v.InstanceId == instanceId);
                    _state.Volumes.Add(incoming.Volume ?? SimObservations.NewVolume(received));
                    _state.Incoming.Remove(incoming);
                    instance = received;
                }
                if (start && instance.State == InstanceState.Stopped)
                    SimAccounting.EnsureGuaranteeFits(_options, _state.Instances, instanceId, instance.MemoryMib, instance.GuaranteePercent);
                Transition(instance, start ? InstanceState.Running : instance.State, operationId);
                return Task.FromResult(ToInfo(instance));
            }
        }, cancellationToken);

    public Task AbortIncomingAsync(string instanceId, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.MigrateAbort, instanceId, operationId, () =>
        {
            lock (_gate)
            {
                _state.Incoming.RemoveAll(i => i.Id == instanceId);
                // Completed here but rolled back: the source's copy is the instance, this one goes. An instance of that id
                // that did not arrive by migration (a prepare refused because it is here) is left alone.
                if (_state.Instances.RemoveAll(i => i.Id == instanceId && i.ArrivedByMigration) > 0)
                    _state.Volumes.RemoveAll(v => v.InstanceId == instanceId);
                _store.Save(_state);
            }
            return Task.FromResult(true);
        }, cancellationToken);

    /// <summary>
    /// Ten steps over the time the simulated bandwidth needs, each sending its share of filler (1 KiB per MiB) so a
    /// broken channel shows; a live guest keeps dirtying memory.
    /// </summary>
    private async Task SimulateTransferAsync(Stream stream, long memoryMib, long diskMib, OutgoingMigration migration, Action<MigrationProgress> progress,
        CancellationToken ct)
    {
        var rate = migration.BandwidthMibPerSecond > 0 ? migration.BandwidthMibPerSecond
            : _options.MigrationMibPerSecond > 0 ? _options.MigrationMibPerSecond
            : _options.Latency == SimLatencyProfile.Demo ? 1024 : 0;
        var totalMib = memoryMib + diskMib;
        var dirty = migration.Mode == MigrationMode.Live ? (memoryMib << 20) / 20 : 0;
        var filler = new byte[Math.Max(1, totalMib * FillerBytesPerMib / Steps)];
        for (var step = 1; step <= Steps; step++)
        {
            if (rate > 0) await Task.Delay(TimeSpan.FromSeconds((double)totalMib / rate / Steps), ct);
            await stream.WriteAsync(filler, ct);
            await stream.FlushAsync(ct);
            var done = (totalMib << 20) * step / Steps;
            progress(new MigrationProgress(step * totalMib / Steps <= diskMib ? "disk" : "memory", totalMib << 20, done, (totalMib << 20) - done, dirty));
        }
    }

    private void SetState(string instanceId, InstanceState state, string operationId)
    {
        lock (_gate)
            Transition(Find(instanceId), state, operationId);
    }

    private static SimInstance Clone(SimInstance instance) =>
        JsonSerializer.Deserialize<SimInstance>(JsonSerializer.SerializeToUtf8Bytes(instance))!;

    private sealed record SimPayload(SimInstance Instance, SimVolume? Volume);
}
