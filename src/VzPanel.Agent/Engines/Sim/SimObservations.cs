namespace VzPanel.Agent.Engines.Sim;

/// <summary>Beancounter rows, KSM figures and storage as a real node would report them, derived from sim state.</summary>
public static class SimObservations
{
    private const long Unlimited = long.MaxValue;
    public const string PoolName = "default";
    private const long GiB = 1024L * 1024 * 1024;

    public static InstanceCounters Counters(SimInstance instance)
    {
        var physHeld = SimAccounting.UsedMib(instance) * SimAccounting.PagesPerMib;
        instance.PhysPagesMaxHeld = Math.Max(instance.PhysPagesMaxHeld, physHeld);
        var running = SimAccounting.IsActive(instance.State);
        var guaranteePages = SimAccounting.GuaranteeMib(instance.MemoryMib, instance.GuaranteePercent) * SimAccounting.PagesPerMib;
        var processes = running ? 12 + 2L * instance.VCpus : 0;

        CounterRow[] rows =
        [
            new("physpages", physHeld, instance.PhysPagesMaxHeld, 0, instance.MemoryMib * SimAccounting.PagesPerMib, instance.PhysPagesFailCount, "pages"),
            new("swappages", 0, 0, 0, 0, 0, "pages"),
            new("oomguarpages", physHeld, instance.PhysPagesMaxHeld, guaranteePages, Unlimited, 0, "pages"),
            new("numproc", processes, processes, Unlimited, Unlimited, 0, "count"),
            new("numfile", processes * 40, processes * 40, Unlimited, Unlimited, 0, "count"),
            new("kmemsize", running ? physHeld * 64 : 0, instance.PhysPagesMaxHeld * 64, Unlimited, Unlimited, 0, "bytes"),
        ];
        return new InstanceCounters(instance.Id, rows, OomKills: 0);
    }

    /// <summary>Running instances made from the same template share pages, the way KSM merges identical guests.</summary>
    public static KsmStatistics Ksm(SimState state)
    {
        long shared = 0, sharing = 0, unshared = 0;
        foreach (var group in state.Instances.Where(i => i.State == InstanceState.Running).GroupBy(i => i.Template))
        {
            var members = group.ToList();
            var common = members.Min(i => SimAccounting.UsedMib(i)) / 8 * SimAccounting.PagesPerMib;
            unshared += members.Sum(i => SimAccounting.UsedMib(i)) * SimAccounting.PagesPerMib / 16;
            if (members.Count < 2)
                continue;
            shared += common;
            sharing += common * (members.Count - 1);
        }
        var saved = sharing * SimAccounting.PageBytes / (1024 * 1024);
        return new KsmStatistics(true, sharing > 0 ? 1 : 0, shared, sharing, unshared, 0, state.KsmFullScans, saved);
    }

    public static StoragePoolInfo Pool(SimOptions options, SimState state)
    {
        var capacity = options.PoolCapacityGib * GiB;
        var allocation = state.Volumes.Sum(v => v.AllocationBytes);
        return new StoragePoolInfo(PoolName, "dir", Path.Combine(options.StateDirectory, "pool"), capacity, allocation, capacity - allocation);
    }

    public static VolumeInfo Volume(SimVolume volume) =>
        new(volume.Name, PoolName, volume.InstanceId, "qcow2", volume.CapacityBytes, volume.AllocationBytes, volume.BackingVolume);

    /// <summary>A fresh thin qcow2 overlay holds about a gigabyte of unpacked template.</summary>
    public static SimVolume NewVolume(SimInstance instance) => new()
    {
        Name = $"{instance.Id}.qcow2",
        InstanceId = instance.Id,
        CapacityBytes = instance.DiskGib * GiB,
        AllocationBytes = Math.Min(instance.DiskGib * GiB, GiB),
        BackingVolume = $"{instance.Template}.qcow2",
    };
}
