using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Shared;

namespace VzPanel.Core.Features.Billing.Quotes;

/// <summary>
/// Prices a shape on the owner's plan after the checks the change itself would make on its numbers (units, ranges, the
/// plan's bounds, disks only growing), so a quote that passes names a size the plan allows. Quotas and node capacity are
/// not priced and not checked here: the change says so when it is made. Reads through the scoped context, so another
/// tenant's server or customer is not found.
/// </summary>
public sealed class PriceQuotes(IDbContextFactory<VzPanelDbContext> dbFactory, CurrentAccess access) : IPriceQuotes
{
    public async Task<Result<PriceQuote>> ForNewServerAsync(CreateInstanceCommand command, CancellationToken ct)
    {
        var spec = command.Spec;
        var memory = Memory(spec.Memory);
        if (!memory.IsSuccess) return memory.Error!;
        var disk = spec.Disk is null ? DiskSize.DefaultGiB : DiskSize.ParseGiB(spec.Disk);
        if (!disk.IsSuccess) return disk.Error!;
        if (Range(spec.VCpus, spec.MemoryGuaranteePercent) is { } outOfRange) return outOfRange;
        var tenantId = access.Scope.Role == PanelRole.Customer ? access.Scope.TenantId : command.TenantId;
        if (tenantId is null) return Error.Validation("tenantId", "Choose the customer the server belongs to: the price is its plan's.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plan = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Plan).SingleOrDefaultAsync(ct);
        if (plan is null) return Error.NotFound("Customer");
        var after = new BillableShape(memory.Value, Instance.GuaranteeOf(memory.Value, spec.MemoryGuaranteePercent), spec.VCpus, disk.Value);
        return Priced(plan, null, after);
    }

    public async Task<Result<PriceQuote>> ForChangeAsync(Guid instanceId, ShapeChange change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var server = await (from s in db.Instances.AsNoTracking()
                            join t in db.Tenants on s.TenantId equals t.Id
                            where s.Id == instanceId
                            select new { Instance = s, t.Plan }).SingleOrDefaultAsync(ct);
        if (server?.Plan is null) return Error.NotFound("Instance");
        var i = server.Instance;

        var memory = change.Memory is null ? i.MemoryMiB : Memory(change.Memory);
        if (!memory.IsSuccess) return memory.Error!;
        var percent = change.MemoryGuaranteePercent ?? i.MemoryGuaranteePercent;
        var vcpus = change.VCpus ?? i.VCpus;
        if (Range(vcpus, percent) is { } outOfRange) return outOfRange;
        var disk = change.Disk is null ? i.DiskGiB : DiskSize.ParseGiB(change.Disk);
        if (!disk.IsSuccess) return disk.Error!;
        if (disk.Value != i.DiskGiB && DiskRefusal(i, disk.Value) is { } refused) return refused;

        var now = new BillableShape(i.MemoryMiB, i.GuaranteedMiB, i.VCpus, i.DiskGiB);
        var after = new BillableShape(memory.Value, Instance.GuaranteeOf(memory.Value, percent), vcpus, disk.Value);
        return Priced(server.Plan, now, after);
    }

    private static Result<PriceQuote> Priced(Plan plan, BillableShape? now, BillableShape after)
    {
        if ((Admission.CheckPlan(plan, after.MemoryMiB, after.VCpus) ?? Admission.CheckPlanDisk(plan, after.DiskGiB)) is { } overPlan) return overPlan;
        return PriceQuote.Of(plan.Prices, now, after);
    }

    private static Result<long> Memory(string? text)
    {
        var parsed = MemorySize.Parse(text);
        if (!parsed.IsSuccess) return Error.Validation("memory", parsed.Error!.Message);
        return parsed.Value.MiB >= InstanceSpecValidator.MinMemoryMiB
            ? parsed.Value.MiB
            : Error.Validation("memory", $"Memory must be at least {InstanceSpecValidator.MinMemoryMiB}M, not {parsed.Value}.");
    }

    private static Error? Range(int vcpus, int guaranteePercent) =>
        vcpus is < 1 or > InstanceSpecValidator.MaxVCpus ? Error.Validation("vCpus", $"vCPUs must be between 1 and {InstanceSpecValidator.MaxVCpus}.")
        : guaranteePercent is < 0 or > 100 ? Error.Validation("memoryGuaranteePercent", "The memory guarantee is a percentage from 0 to 100.")
        : null;

    private static Error? DiskRefusal(Instance i, long gib) =>
        i.Kind == InstanceKind.Ct ? Error.Conflict($"{i.Name} is a container: its root file system has no size of its own, so there is no disk to grow.")
        : gib < i.DiskGiB ? Error.Validation("disk", $"Disks only grow: {i.Name} has {DiskSize.Show(i.DiskGiB)}, so {DiskSize.Show(gib)} is not a size it can get.")
        : null;
}
