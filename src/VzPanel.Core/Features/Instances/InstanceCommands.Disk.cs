using VzPanel.Core.Common;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Instances.Operations;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Instances;

public sealed partial class InstanceCommands
{
    /// <summary>
    /// Grows a VM's disk, running or stopped. Never shrinks: a file system on a shrunk QCOW2 image loses whatever lay past the
    /// new end. Containers are refused: their root file system is a folder on the node, with no size of its own.
    /// </summary>
    public Task<Result<OperationView>> ResizeDiskAsync(Guid instanceId, string size, CancellationToken ct) =>
        RequestAsync(instanceId, OperationKind.ResizeDisk, async (db, i) =>
        {
            var decision = DecideDisk(i, size);
            if (decision is not { IsSuccess: true, Value.Parameters: ResizeDiskParameters grow }) return decision;
            if (await PlanOf(db, i.TenantId, ct) is { } plan && Admission.CheckPlanDisk(plan, grow.DiskGiB) is { } overPlan) return overPlan;
            if (await OverQuotaAsync(db, i, new QuotaAsk(DiskGiB: grow.DiskGiB - i.DiskGiB), ct) is { } overQuota) return overQuota;
            return decision;
        }, ct);

    private static Result<Decision> DecideDisk(Instance i, string size)
    {
        var parsed = DiskSize.ParseGiB(size, "size");
        if (!parsed.IsSuccess) return parsed.Error!;
        var gib = parsed.Value;
        if (i.Kind == InstanceKind.Ct)
            return Error.Conflict($"{i.Name} is a container: its root file system is a folder on the node with no size of its own, so there is no disk to grow.");
        if (gib <= i.DiskGiB)
            return Error.Validation("size", $"Disks only grow: {i.Name} has {DiskSize.Show(i.DiskGiB)}; ask for more than that, not {DiskSize.Show(gib)} "
                + "(shrinking a disk under its file system destroys data).");
        if (i.State is not (InstanceState.Running or InstanceState.Stopped))
            return Error.Conflict($"{i.Name} is {Lower(i.State)}; its disk grows while it runs or while it is stopped.");
        return new Decision(new ResizeDiskParameters(gib), $"Disk of {i.Name}: {DiskSize.Show(i.DiskGiB)} → {DiskSize.Show(gib)}");
    }
}
