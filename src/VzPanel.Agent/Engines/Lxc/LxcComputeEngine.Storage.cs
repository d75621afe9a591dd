using System.Globalization;
using VzPanel.Agent.Engines.Host;

namespace VzPanel.Agent.Engines.Lxc;

public sealed partial class LxcComputeEngine
{
    private const long GiB = 1024L * 1024 * 1024;

    /// <summary>The private path as a "dir" pool: its file system's size and use (a dir backend has no per-container quota).</summary>
    public Task<IReadOnlyList<StoragePoolInfo>> ListStoragePoolsAsync(CancellationToken cancellationToken)
    {
        var drive = new DriveInfo(_options.PrivatePath);
        return Task.FromResult<IReadOnlyList<StoragePoolInfo>>(
            [new StoragePoolInfo(_options.PoolName, "dir", _options.PrivatePath, drive.TotalSize, drive.TotalSize - drive.AvailableFreeSpace, drive.AvailableFreeSpace)]);
    }

    /// <summary>Each root filesystem is a volume, also one kept after its container was deleted.</summary>
    public async Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(string? pool, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(pool) && pool != _options.PoolName)
            throw new EngineException(EngineErrorCode.NotFound, $"storage pool {pool} not found");
        var volumes = new List<VolumeInfo>();
        foreach (var folder in Directory.EnumerateDirectories(_options.PrivatePath).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(folder);
            if (!Guid.TryParse(id, out _))
                continue;
            var spec = ContainerSpec.TryRead(ContainerDirectory(id));
            var used = await DiskUsageBytesAsync(folder, cancellationToken);
            var capacity = spec is { DiskGib: > 0 } ? spec.DiskGib * GiB : used;
            volumes.Add(new VolumeInfo($"{id}-root", _options.PoolName, id, "dir", capacity, used, spec?.Template ?? ""));
        }
        return volumes;
    }

    /// <summary>
    /// Refused: a container's root file system is a folder on the node (the dir backend), with no size of its own
    /// that could grow; it uses what the node's file system has free.
    /// </summary>
    public Task<InstanceInfo> ResizeDiskAsync(string instanceId, long diskGib, string operationId, CancellationToken cancellationToken) =>
        OperateAsync<InstanceInfo>(instanceId, operationId, () =>
        {
            var spec = Own(instanceId);
            throw new EngineException(EngineErrorCode.InvalidArgument,
                $"container {spec.Name} has no disk to grow: its root file system is a folder on the node ({_options.PrivatePath}) "
                + "with no size of its own; it uses what the node's file system has free");
        });

    public Task<KsmStatistics> GetKsmStatsAsync(CancellationToken cancellationToken) => Task.FromResult(HostKsm.Read());

    private static async Task<long> DiskUsageBytesAsync(string folder, CancellationToken cancellationToken)
    {
        var du = await ToolProcess.RunAsync("du", ["-s", "-B1", "-x", folder], TimeSpan.FromSeconds(60), cancellationToken: cancellationToken);
        return du.Succeeded && long.TryParse(du.StdoutText.Split('\t')[0], CultureInfo.InvariantCulture, out var bytes) ? bytes : 0;
    }
}
