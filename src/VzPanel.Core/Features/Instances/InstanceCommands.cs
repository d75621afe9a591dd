using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances.Operations;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Shared;

namespace VzPanel.Core.Features.Instances;

/// <summary>
/// Every change to a server starts here: checked (shape, plan, node capacity, state), recorded as an
/// operation with an audit event in one transaction, then handed to a job. One unfinished operation per
/// server: a second request is refused as busy, by a unique index, so no two requests can race past it.
/// </summary>
public sealed partial class InstanceCommands(
    IDbContextFactory<VzPanelDbContext> dbFactory, CurrentAccess access, AuditLog audit, IOperationDispatcher dispatcher,
    PanelEvents events, IValidator<InstanceSpec> validator, InstanceUsageProbe usage, OperationSecrets secrets, IMigrationPlanner planner,
    TimeProvider clock, ILogger<InstanceCommands> logger) : IInstanceCommands
{
    private const string OneActivePerTarget = "ux_operations_one_active_per_target";

    public Task<Result<OperationView>> StartAsync(Guid instanceId, CancellationToken ct) =>
        RequestAsync(instanceId, OperationKind.Start, async (db, i) =>
        {
            if (i.State is not (InstanceState.Stopped or InstanceState.Failed or InstanceState.Unknown))
                return Error.Conflict($"{i.Name} is {Lower(i.State)}; only a stopped server can be started.");
            var load = (await NodeLoad.ForNodesAsync(db, [i.NodeId], ct)).Single();
            if (Admission.RefusalOnNode(load, i.GuaranteedMiB, i.MemoryMiB) is { } refusal)
                return Admission.Refused(refusal);
            return new Decision(new StartParameters(), $"Start {i.Name}");
        }, ct);

    public Task<Result<OperationView>> StopAsync(Guid instanceId, bool force, CancellationToken ct) =>
        RequestAsync(instanceId, OperationKind.Stop, (_, i) => Task.FromResult<Result<Decision>>(
            i.State is InstanceState.Stopped
                ? Error.Conflict($"{i.Name} is already stopped.")
                : new Decision(new StopParameters(force), force ? $"Power off {i.Name}" : $"Shut down {i.Name}")), ct);

    public Task<Result<OperationView>> RestartAsync(Guid instanceId, CancellationToken ct) =>
        RequestAsync(instanceId, OperationKind.Restart, (_, i) => Task.FromResult<Result<Decision>>(
            i.State is not InstanceState.Running
                ? Error.Conflict($"{i.Name} is {Lower(i.State)}; only a running server can be restarted.")
                : new Decision(new RestartParameters(), $"Restart {i.Name}")), ct);

    public Task<Result<OperationView>> DeleteAsync(Guid instanceId, bool keepVolumes, CancellationToken ct) =>
        RequestAsync(instanceId, OperationKind.Delete, (_, i) => Task.FromResult<Result<Decision>>(
            new Decision(new DeleteParameters(keepVolumes),
                (i.State is InstanceState.Stopped ? "Delete " : "Power off and delete ") + i.Name + (keepVolumes ? " (keep its disks)" : ""))), ct);

    public Task<Result<OperationView>> SetMemoryAsync(Guid instanceId, string memory, CancellationToken ct) =>
        RequestAsync(instanceId, OperationKind.SetMemory, async (db, i) =>
        {
            var parsed = MemorySize.Parse(memory);
            if (!parsed.IsSuccess) return Error.Validation("memory", parsed.Error!.Message);
            var mib = parsed.Value.MiB;
            if (mib < InstanceSpecValidator.MinMemoryMiB)
                return Error.Validation("memory", $"Memory must be at least {InstanceSpecValidator.MinMemoryMiB}M, not {parsed.Value}.");
            if (mib == i.MemoryMiB) return Error.Validation("memory", $"{i.Name} already has {parsed.Value}.");
            if (await PlanOf(db, i.TenantId, ct) is { } plan && Admission.CheckPlan(plan, mib, i.VCpus) is { } overPlan) return overPlan;
            if (Admission.RefusalForSize(i.Node!, mib, i.VCpus) is { } tooBig) return Admission.Refused(tooBig);
            var quotaAsk = new QuotaAsk(MemoryMiB: mib - i.MemoryMiB, GuaranteedMiB: Instance.GuaranteeOf(mib, i.MemoryGuaranteePercent) - i.GuaranteedMiB);
            if (await OverQuotaAsync(db, i, quotaAsk, ct) is { } overQuota) return overQuota;
            if (Holds(i) && mib > i.MemoryMiB)
            {
                var load = (await NodeLoad.ForNodesAsync(db, [i.NodeId], ct)).Single();
                var extraGuarantee = Instance.GuaranteeOf(mib, i.MemoryGuaranteePercent) - i.GuaranteedMiB;
                if (Admission.RefusalOnNode(load, extraGuarantee, mib - i.MemoryMiB) is { } refusal)
                    return Admission.Refused(refusal);
            }
            if (i.State == InstanceState.Running && mib < i.MemoryMiB
                && await usage.UsedMiBAsync(i.Node!, i.Id, ct) is { } used && Admission.CheckShrink(i.Name, used, mib) is { } unsafeShrink)
                return unsafeShrink;
            return new Decision(new SetMemoryParameters(mib), $"Memory of {i.Name}: {new MemorySize(i.MemoryMiB)} → {parsed.Value}");
        }, ct);

    public Task<Result<OperationView>> SetMemoryGuaranteeAsync(Guid instanceId, int percent, CancellationToken ct) =>
        RequestAsync(instanceId, OperationKind.SetMemoryGuarantee, async (db, i) =>
        {
            if (percent is < 0 or > 100) return Error.Validation("percent", "The memory guarantee is a percentage from 0 to 100.");
            if (percent == i.MemoryGuaranteePercent) return Error.Validation("percent", $"{i.Name} already has a {percent}% guarantee.");
            if (await OverQuotaAsync(db, i, new QuotaAsk(GuaranteedMiB: Instance.GuaranteeOf(i.MemoryMiB, percent) - i.GuaranteedMiB), ct) is { } overQuota)
                return overQuota;
            if (Holds(i) && percent > i.MemoryGuaranteePercent)
            {
                var load = (await NodeLoad.ForNodesAsync(db, [i.NodeId], ct)).Single();
                var extra = Instance.GuaranteeOf(i.MemoryMiB, percent) - i.GuaranteedMiB;
                if (Admission.RefusalOnNode(load, extra, 0) is { } refusal) return Admission.Refused(refusal);
            }
            return new Decision(new SetMemoryGuaranteeParameters(percent), $"Memory guarantee of {i.Name}: {i.MemoryGuaranteePercent}% → {percent}%");
        }, ct);

    public Task<Result<OperationView>> SetVCpusAsync(Guid instanceId, int vcpus, CancellationToken ct) =>
        RequestAsync(instanceId, OperationKind.SetVCpus, async (db, i) =>
        {
            if (vcpus is < 1 or > InstanceSpecValidator.MaxVCpus)
                return Error.Validation("vcpus", $"vCPUs must be between 1 and {InstanceSpecValidator.MaxVCpus}.");
            if (vcpus == i.VCpus) return Error.Validation("vcpus", $"{i.Name} already has {vcpus} vCPUs.");
            if (await PlanOf(db, i.TenantId, ct) is { } plan && Admission.CheckPlan(plan, i.MemoryMiB, vcpus) is { } overPlan) return overPlan;
            if (Admission.RefusalForSize(i.Node!, i.MemoryMiB, vcpus) is { } tooMany) return Admission.Refused(tooMany);
            if (await OverQuotaAsync(db, i, new QuotaAsk(VCpus: vcpus - i.VCpus), ct) is { } overQuota) return overQuota;
            return new Decision(new SetVCpusParameters(vcpus), $"vCPUs of {i.Name}: {i.VCpus} → {vcpus}");
        }, ct);

    /// <summary>What an accepted request asks the job to do, and how it reads in lists.</summary>
    private readonly record struct Decision(OperationParameters Parameters, string Summary, Migration.MigrationRun? Migration = null);

    private async Task<Result<OperationView>> RequestAsync(
        Guid instanceId, OperationKind kind, Func<VzPanelDbContext, Instance, Task<Result<Decision>>> decide, CancellationToken ct)
    {
        if (WriteDenied() is { } denied) return denied;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await SuspendedAsync(db, ct) is { } suspended) return suspended;
        var instance = await db.Instances.Include(i => i.Node).SingleOrDefaultAsync(i => i.Id == instanceId, ct);
        if (instance is null) return Error.NotFound("Instance");
        if (await ActiveOperationAsync(db, instanceId, ct) is { } running) return Busy(running);
        // A node in maintenance takes no new servers, but the ones it has still start, stop, resize and leave.
        var away = instance.Node!.State is not Nodes.NodeState.Maintenance;
        if (away && Admission.RefusalForState(instance.Node!) is { } nodeDown && kind != OperationKind.Delete)
            return Error.Conflict($"{Placement.Capitalise(nodeDown)}. Try again when it reports.");

        var decision = await decide(db, instance);
        if (!decision.IsSuccess) return decision.Error!;
        var (parameters, summary, migration) = decision.Value!;
        var operation = NewOperation(kind, instance, parameters with { PreviousState = instance.State.ToString() }, summary);
        operation.Migration = migration;
        db.Operations.Add(operation);
        audit.Add(db, new AuditEntry(OperationParameters.AuditActionOf(kind), $"Requested: {summary}.")
            { TenantId = instance.TenantId, TargetType = "instance", TargetId = instance.Id.ToString() });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (IsUniqueViolation(ex, OneActivePerTarget))
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(ct);
            return await ActiveOperationAsync(fresh, instanceId, ct) is { } winner ? Busy(winner)
                : Error.Busy($"busy: another operation on {instance.Name} has just started; try again.");
        }
        return Dispatched(operation);
    }

    private OperationView Dispatched(Operation operation)
    {
        // Queued is told before the job exists: once it does, a worker may already be publishing Running.
        events.Publish(OperationChanged.From(operation));
        try
        {
            dispatcher.Dispatch(operation.Id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The operation is saved, and saved is what counts: the requeuer hands it to a job shortly.
            logger.LogWarning(ex, "Queueing the job for operation {OperationId} failed; the requeuer will retry", operation.Id);
        }
        return OperationView.From(operation);
    }

    private Operation NewOperation(OperationKind kind, Instance instance, OperationParameters parameters, string summary) => new()
    {
        Kind = kind, TargetType = "instance", TargetId = instance.Id, TargetName = instance.Name, TenantId = instance.TenantId,
        NodeId = instance.NodeId, Parameters = parameters, Summary = summary, RequestedBy = access.Scope.ActorName, CreatedAt = clock.GetUtcNow(),
    };

    private Error? WriteDenied() => access.Scope switch
    {
        { CanWriteInventory: true } => null,
        { TenantSuspended: true } => null,   // the caller checks the tenant again and says why (tenant_suspended)
        { Role: PanelRole.Support } => Error.Forbidden("Support accounts are read-only; ask an administrator or the customer."),
        _ => Error.Forbidden("You may not change servers."),
    };

    private static async Task<Operation?> ActiveOperationAsync(VzPanelDbContext db, Guid targetId, CancellationToken ct) =>
        await db.Operations.IgnoreQueryFilters().AsNoTracking()
            .Where(o => o.TargetId == targetId && (o.State == OperationState.Queued || o.State == OperationState.Running))
            .FirstOrDefaultAsync(ct);

    private static Error Busy(Operation running) =>
        Error.Busy($"busy: operation {running.Id} ({running.Summary}) is {Lower(running.State)} on {running.TargetName}; try again when it ends.");

    private static async Task<Billing.Plan?> PlanOf(VzPanelDbContext db, Guid tenantId, CancellationToken ct) =>
        await db.Tenants.IgnoreQueryFilters().Where(t => t.Id == tenantId).Select(t => t.Plan).SingleOrDefaultAsync(ct);

    private static bool Holds(Instance i) => NodeLoad.Holding.Contains(i.State);

    private static bool IsUniqueViolation(DbUpdateException ex, string constraint) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg && pg.ConstraintName == constraint;

    private static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();
}
