namespace VzPanel.Agent.Engines;

/// <summary>The checks every engine makes of what the panel asks, worded alike whichever engine refuses.</summary>
public static class InstanceRules
{
    public static EngineException Invalid(string message) => new(EngineErrorCode.InvalidArgument, message);

    /// <summary>What any create request needs before an engine looks at its own limits: a UUID, a name, a disk size that is not negative.</summary>
    public static void EnsureIdentity(InstanceDefinition definition)
    {
        if (!Guid.TryParse(definition.Id, out _))
            throw Invalid($"instance id '{definition.Id}' is not a UUID");
        if (string.IsNullOrWhiteSpace(definition.Name))
            throw Invalid("name is empty");
        if (definition.DiskGib < 0)
            throw Invalid($"disk size {definition.DiskGib} GiB is negative");
    }

    /// <summary>
    /// Disks only grow: a file system on a shrunk disk loses whatever lay past the new end, so an equal or smaller
    /// size is refused rather than applied.
    /// </summary>
    public static void EnsureDiskGrows(string name, long currentBytes, long diskGib)
    {
        if (diskGib <= 0 || diskGib > long.MaxValue / GiB)
            throw Invalid($"disk size {diskGib} GiB is not a size a disk can have");
        if (diskGib * GiB <= currentBytes)
            throw Invalid($"the disk of {name} has {InGib(currentBytes)} GiB and can only grow (shrinking it would destroy the data past the new end); "
                + $"ask for more than that, not {diskGib} GiB");
    }

    /// <summary>Room in the pool for all the growth, so the guest can fill the disk it was promised without the pool running dry.</summary>
    public static void EnsurePoolRoom(string pool, long availableBytes, long growthBytes)
    {
        if (growthBytes > availableBytes)
            throw new EngineException(EngineErrorCode.InsufficientResources,
                $"storage pool {pool} has {InGib(availableBytes)} GiB free; growing the disk by {InGib(growthBytes)} GiB needs that much");
    }

    private const long GiB = 1024L * 1024 * 1024;

    private static string InGib(long bytes) =>
        (bytes / (double)GiB).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    public static void EnsureGuaranteePercent(int percent)
    {
        if (percent is < 0 or > 100)
            throw Invalid($"memory guarantee {percent}% is outside 0–100%");
    }

    public static void EnsureVCpus(int vcpus, int cpuCount)
    {
        if (vcpus < 1 || vcpus > cpuCount)
            throw Invalid($"{vcpus} vCPUs is outside 1–{cpuCount} (the node's CPU count)");
    }
}
