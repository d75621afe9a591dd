using System.Diagnostics;
using static VzPanel.Agent.Engines.InstanceRules;

namespace VzPanel.Agent.Engines.Libvirt;

public sealed partial class LibvirtComputeEngine
{
    /// <summary>
    /// Grows the VM's QCOW2 overlay: a running VM through QEMU (virDomainBlockResize; the guest's virtio-blk sees the new
    /// size at once, its partitions and file systems are the guest's to grow), a stopped one as a volume (virStorageVolResize;
    /// qemu-img cannot resize an image a running QEMU holds open). Thin either way, but the pool must have room for the growth.
    /// </summary>
    public Task<InstanceInfo> ResizeDiskAsync(string instanceId, long diskGib, string operationId, CancellationToken cancellationToken) =>
        Operate(instanceId, operationId, () =>
        {
            var (listing, facts) = Own(instanceId);
            var metadata = facts.Metadata!;
            var state = StateOf(listing);
            if (state is not (InstanceState.Running or InstanceState.Stopped))
                throw EngineException.WrongState(state);
            EnsurePool();
            var volumeName = Path.GetFileName(facts.DiskPath);
            var volume = (string.IsNullOrEmpty(volumeName) ? null : _api.Volume(_options.PoolName, volumeName))
                ?? throw new EngineException(EngineErrorCode.WrongState, $"the disk of {metadata.Name} ({facts.DiskPath}) is not in pool {_options.PoolName}");
            EnsureDiskGrows(metadata.Name, (long)volume.Capacity, diskGib);
            var pool = _api.Pool(_options.PoolName);
            EnsurePoolRoom(pool.Name, (long)pool.Available, diskGib * GiB - (long)volume.Capacity);

            var live = state == InstanceState.Running;
            var clock = Stopwatch.StartNew();
            _operations.Progress(instanceId, operationId, 50, live ? $"growing {DomainXml.DiskTarget} to {diskGib} GiB live" : $"growing {volumeName} to {diskGib} GiB");
            if (live)
                _api.BlockResize(instanceId, DomainXml.DiskTarget, (ulong)(diskGib * GiB));
            else
                _api.ResizeVolume(_options.PoolName, volumeName, (ulong)(diskGib * GiB));
            _logger.LogInformation("grew the disk of {Instance} from {Before} to {After} bytes ({How}) in {Ms} ms",
                instanceId, volume.Capacity, diskGib * GiB, live ? "live" : "stopped", clock.ElapsedMilliseconds);
            WriteMetadata(instanceId, metadata with { DiskGib = diskGib }, live);
            return Snapshot(instanceId);
        });
}
