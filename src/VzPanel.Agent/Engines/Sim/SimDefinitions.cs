using static VzPanel.Agent.Engines.InstanceRules;

namespace VzPanel.Agent.Engines.Sim;

/// <summary>Checks a create request against the node's limits and turns it into sim state.</summary>
public static class SimDefinitions
{
    public const long MinimumMemoryMib = 64;

    public static SimInstance ToInstance(InstanceDefinition definition, SimOptions options, long defaultDiskGib)
    {
        EnsureIdentity(definition);
        if (string.IsNullOrWhiteSpace(definition.Template))
            throw Invalid("template is empty");
        EnsureMemory(definition.MemoryMib, options);
        EnsureGuaranteePercent(definition.MemoryGuaranteePercent);
        EnsureVCpus(definition.VCpus, options.CpuCount);

        return new SimInstance
        {
            Id = definition.Id,
            Name = definition.Name,
            Kind = definition.Kind,
            Template = definition.Template,
            MemoryMib = definition.MemoryMib,
            GuaranteePercent = definition.MemoryGuaranteePercent,
            VCpus = definition.VCpus,
            CpuLimitPercent = definition.CpuLimitPercent,
            DiskGib = definition.DiskGib == 0 ? defaultDiskGib : definition.DiskGib,
            Hostname = string.IsNullOrWhiteSpace(definition.Hostname) ? definition.Name : definition.Hostname,
            IpAddresses = definition.IpAddresses?.ToList() ?? [],
            State = InstanceState.Stopped,
            // The root password goes to the guest at first boot; the sim only notes that one was set.
            PasswordSetAt = string.IsNullOrEmpty(definition.RootPassword) ? [] : new() { ["root"] = DateTimeOffset.UtcNow },
        };
    }

    public static void EnsureMemory(long memoryMib, SimOptions options)
    {
        if (memoryMib < MinimumMemoryMib)
            throw Invalid($"memory {memoryMib} MiB is below the minimum of {MinimumMemoryMib} MiB");
        if (memoryMib > options.RamMib)
            throw Invalid($"memory {memoryMib} MiB exceeds the node's RAM ({options.RamMib} MiB)");
    }
}
