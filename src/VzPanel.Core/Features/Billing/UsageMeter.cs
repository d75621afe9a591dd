using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Billing;

/// <summary>
/// Keeps pay-as-you-go usage in step with what runs: a running instance has exactly one open segment at its
/// current size; a resize closes it and opens the next; a stop or delete closes it.
/// </summary>
public static class UsageMeter
{
    /// <summary>Call inside a transaction, after the instance's new state is set (the close is saved first).</summary>
    public static async Task RecordAsync(VzPanelDbContext db, Instance instance, DateTimeOffset at, CancellationToken ct)
    {
        var open = await db.UsageSegments.SingleOrDefaultAsync(u => u.InstanceId == instance.Id && u.To == null, ct);
        var running = instance.State == InstanceState.Running;
        if (open is not null && running && open.MemoryMiB == instance.MemoryMiB && open.VCpus == instance.VCpus) return;
        if (open is not null)
        {
            open.To = at;
            await db.SaveChangesAsync(ct);   // the open-segment index allows one at a time: close before opening
        }
        if (running)
            db.UsageSegments.Add(new UsageSegment
                { InstanceId = instance.Id, TenantId = instance.TenantId, MemoryMiB = instance.MemoryMiB, VCpus = instance.VCpus, From = at });
    }

    public static Task CloseAsync(VzPanelDbContext db, Guid instanceId, DateTimeOffset at, CancellationToken ct) =>
        db.UsageSegments.Where(u => u.InstanceId == instanceId && u.To == null).ExecuteUpdateAsync(s => s.SetProperty(u => u.To, at), ct);
}
