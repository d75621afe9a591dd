using VzPanel.Shared;

namespace VzPanel.Agent.Engines.Sim;

/// <summary>The sim node's memory arithmetic; the guarantee rule itself is <see cref="GuaranteeRule"/>.</summary>
public static class SimAccounting
{
    public const long PageBytes = 4096;
    public const long PagesPerMib = 1024 * 1024 / PageBytes;
    private const long BaseUsedMib = 64;

    /// <summary>Running guests use a fixed base plus a quarter of their memory; stopped ones nothing.</summary>
    public static long UsedMib(SimInstance instance) =>
        IsActive(instance.State) ? Math.Min(instance.MemoryMib, BaseUsedMib + instance.MemoryMib / 4) : 0;

    public static long UsedMibAt(long memoryMib) => Math.Min(memoryMib, BaseUsedMib + memoryMib / 4);

    public static long GuaranteeMib(long memoryMib, int percent) => MemoryGuarantee.MiB(memoryMib, percent);

    /// <summary>Starting and stopping instances still hold their guarantee.</summary>
    public static bool IsActive(InstanceState state) => state is InstanceState.Running or InstanceState.Starting or InstanceState.Stopping;

    public static long AvailableForGuaranteesMib(SimOptions options) => options.RamMib - options.HostReserveMib;

    public static long GuaranteedMib(IEnumerable<SimInstance> instances, string? exceptId = null) =>
        instances.Where(i => IsActive(i.State) && i.Id != exceptId).Sum(i => GuaranteeMib(i.MemoryMib, i.GuaranteePercent));

    public static long CommittedMib(IEnumerable<SimInstance> instances) =>
        instances.Where(i => IsActive(i.State)).Sum(i => i.MemoryMib);

    /// <summary>Refuses when the instance's guarantee (after the change) does not fit beside the others.</summary>
    public static void EnsureGuaranteeFits(SimOptions options, IEnumerable<SimInstance> instances, string instanceId, long memoryMib, int percent)
        => GuaranteeRule.EnsureFits(options.NodeName, GuaranteedMib(instances, exceptId: instanceId), GuaranteeMib(memoryMib, percent),
            AvailableForGuaranteesMib(options));
}
