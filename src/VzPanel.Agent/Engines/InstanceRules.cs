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
