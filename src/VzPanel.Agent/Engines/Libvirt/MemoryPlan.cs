namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>The steps that take a running VM to a memory target: plug one DIMM, unplug some, then set the balloon.</summary>
public sealed record MemoryChange(long AddDimmMib, IReadOnlyList<Dimm> Unplug, long BalloonMib);

/// <summary>
/// Memory hotplug arithmetic for a running VM. Growing plugs one DIMM (a multiple of the guest's 128 MiB
/// memory block) and balloons away any rounding; shrinking unplugs whole DIMMs that fit above the target
/// and lets the balloon take the rest.
/// </summary>
public static class MemoryPlan
{
    /// <summary>Linux onlines hotplugged memory in 128 MiB blocks on x86-64, so DIMMs come in those steps.</summary>
    public const long DimmAlignMib = 128;

    public static MemoryChange For(DomainFacts facts, long targetMib)
    {
        if (targetMib > facts.TotalMemoryMib)
        {
            var add = RoundUp(targetMib - facts.TotalMemoryMib);
            if (facts.FreeSlots <= 0)
                throw new EngineException(EngineErrorCode.InsufficientResources,
                    $"cannot grow to {targetMib} MiB: all {facts.Slots} DIMM slots are in use; stop the VM to resize it cold");
            if (facts.TotalMemoryMib + add > facts.MaxMemoryMib)
                throw new EngineException(EngineErrorCode.InsufficientResources,
                    $"cannot grow to {targetMib} MiB: a {add} MiB DIMM would take the VM to {facts.TotalMemoryMib + add} MiB, beyond its maxMemory of {facts.MaxMemoryMib} MiB");
            return new MemoryChange(add, [], targetMib);
        }

        var unplug = new List<Dimm>();
        var total = facts.TotalMemoryMib;
        foreach (var dimm in facts.Dimms.OrderByDescending(d => d.SizeMib))
        {
            if (total - dimm.SizeMib < targetMib)
                continue;
            unplug.Add(dimm);
            total -= dimm.SizeMib;
        }
        return new MemoryChange(0, unplug, targetMib);
    }

    public static long RoundUp(long mib) => (mib + DimmAlignMib - 1) / DimmAlignMib * DimmAlignMib;
}
