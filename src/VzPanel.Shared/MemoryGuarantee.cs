namespace VzPanel.Shared;

/// <summary>
/// Virtuozzo's guarantee: the memory a node holds back for an instance, a percentage of its memory rounded up
/// to whole MiB. The panel admits with it and the agent checks again with it, so the two never disagree by a
/// MiB. The panel's SQL sums spell the same formula out inline (NodeLoad, FleetDashboardService).
/// </summary>
public static class MemoryGuarantee
{
    public static long MiB(long memoryMiB, int percent) => (memoryMiB * percent + 99) / 100;
}
