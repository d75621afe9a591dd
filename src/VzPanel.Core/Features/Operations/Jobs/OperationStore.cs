using Microsoft.EntityFrameworkCore;
using VzPanel.Agent.Contracts;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Storage;
using CoreState = VzPanel.Core.Features.Instances.InstanceState;
using ProtoState = VzPanel.Agent.Contracts.InstanceState;

namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>The job's reads and writes of the inventory: claiming, progress, and the end state of operation and instance together.</summary>
public sealed class OperationStore(
    IDbContextFactory<VzPanelDbContext> dbFactory, InstanceSteps steps, VolumeRecorder volumes, AuditLog audit, PanelEvents events, TimeProvider clock)
{
    /// <summary>Takes the operation for <paramref name="jobId"/>; null when it is finished or another job has it.</summary>
    public async Task<Operation?> ClaimAsync(Guid operationId, string jobId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var claimed = await db.Operations
            .Where(o => o.Id == operationId && (o.State == OperationState.Queued || o.State == OperationState.Running)
                && (o.JobId == null || o.JobId == jobId))
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.JobId, jobId)
                .SetProperty(o => o.State, OperationState.Running)
                .SetProperty(o => o.StartedAt, o => o.StartedAt ?? now)
                .SetProperty(o => o.Attempts, o => o.Attempts + 1), ct);
        if (claimed == 0) return null;
        var operation = await db.Operations.SingleAsync(o => o.Id == operationId, ct);
        Publish(operation);
        return operation;
    }

    /// <summary>The server a claimed instance operation acts on, put in its transitional state; null (and the operation failed) when it is gone.</summary>
    public async Task<StepTarget?> TargetAsync(Operation operation, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var instance = await db.Instances.Include(i => i.Node).Include(i => i.Template).SingleOrDefaultAsync(i => i.Id == operation.TargetId, ct);
        if (instance is null)
        {
            // Removed behind the job's back (an administrator's cleanup): nothing left to act on.
            var gone = await Finish(db, operation, OperationState.Failed, "The server no longer exists in the inventory.", now, ct);
            await db.SaveChangesAsync(ct);
            Publish(gone);
            return null;
        }
        var transitional = operation.Kind switch
        {
            OperationKind.Start => CoreState.Starting,
            OperationKind.Stop => CoreState.Stopping,
            OperationKind.Delete => CoreState.Deleting,
            _ => instance.State,
        };
        if (transitional != instance.State)
        {
            instance.State = transitional;
            instance.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
            events.Publish(InstanceChanged.From(instance));
        }
        var node = instance.Node!;
        return new StepTarget(instance.Id, instance.Name, instance.Kind, instance.Template?.Name, instance.MemoryMiB,
            instance.MemoryGuaranteePercent, instance.VCpus, instance.CpuLimitPercent, instance.Hostname,
            instance.IpAddresses.Select(a => a.ToString()).ToList(), node.Id, node.Name, node.ManagementAddress, instance.DiskGiB);
    }

    public async Task ReportAsync(Operation operation, int percent, string step, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Operations.Where(o => o.Id == operation.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.ProgressPercent, percent).SetProperty(o => o.CurrentStep, step), ct);
        operation.ProgressPercent = percent;
        operation.CurrentStep = step;
        Publish(operation);
    }

    public async Task SucceedAsync(Operation operation, StepTarget target, InstanceStatus? reported, CancellationToken ct)
    {
        // The disks the node now has, asked before the transaction opens: it must not wait on a node.
        var storage = reported is not null && operation.Kind is OperationKind.Create or OperationKind.ResizeDisk
            ? await volumes.ReadAsync(target.NodeId, target.NodeAddress, target.NodeName, target.InstanceId, ct)
            : null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var instance = await db.Instances.SingleOrDefaultAsync(i => i.Id == operation.TargetId, ct);
        var now = clock.GetUtcNow();
        if (instance is not null)
        {
            if (operation.Kind == OperationKind.Delete)
            {
                await UsageMeter.CloseAsync(db, instance.Id, now, ct);
                await db.Volumes.Where(v => v.InstanceId == instance.Id).ExecuteDeleteAsync(ct);
                db.Instances.Remove(instance);
            }
            else if (reported is not null)
            {
                Apply(instance, reported, now);
                await UsageMeter.RecordAsync(db, instance, now, ct);
                if (storage is not null) await VolumeRecorder.WriteAsync(db, instance.NodeId, instance.Id, storage, now, ct);
            }
        }
        var row = await Finish(db, operation, OperationState.Succeeded, null, now, ct);
        audit.Add(db, new AuditEntry("operation.succeeded", $"{operation.Summary}: done.")
            { Actor = operation.RequestedBy, TenantId = operation.TenantId, TargetType = "instance", TargetId = operation.TargetId?.ToString() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (instance is not null) events.Publish(InstanceChanged.From(instance, deleted: operation.Kind == OperationKind.Delete));
        Publish(row);
    }

    /// <summary>
    /// Ends the operation as failed and puts the instance in the state the node really has: as the node
    /// reports it when it answers; as before when the node refused; Unknown when nobody can tell.
    /// </summary>
    public async Task FailAsync(Operation operation, StepTarget target, AgentException failure, CancellationToken ct)
    {
        InstanceStatus? observed = null;
        var nodeAnswered = true;
        try
        {
            observed = await steps.ObserveAsync(target, ct);
        }
        catch (AgentException)
        {
            nodeAnswered = false;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var instance = await db.Instances.SingleOrDefaultAsync(i => i.Id == operation.TargetId, ct);
        var now = clock.GetUtcNow();
        var removed = false;
        if (instance is not null)
        {
            if (nodeAnswered && observed is not null) Apply(instance, observed, now);
            else if (nodeAnswered && operation.Kind == OperationKind.Create)
            {
                db.Instances.Remove(instance);   // the node never built it: nothing to keep
                removed = true;
            }
            else
            {
                instance.State = failure.Refused && Enum.TryParse<CoreState>(operation.Parameters.PreviousState, out var before) ? before
                    : operation.Kind == OperationKind.Create ? CoreState.Failed : CoreState.Unknown;
                instance.UpdatedAt = now;
            }
            if (removed) await UsageMeter.CloseAsync(db, instance.Id, now, ct);
            else await UsageMeter.RecordAsync(db, instance, now, ct);
        }
        var reason = Placement.Capitalise(failure.Message);
        var row = await Finish(db, operation, OperationState.Failed, reason, now, ct);
        audit.Add(db, new AuditEntry("operation.failed", $"{operation.Summary}: failed. {reason}")
            { Actor = operation.RequestedBy, TenantId = operation.TenantId, TargetType = "instance", TargetId = operation.TargetId?.ToString() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (instance is not null) events.Publish(InstanceChanged.From(instance, deleted: removed));
        Publish(row);
    }

    internal static async Task<Operation> Finish(VzPanelDbContext db, Operation operation, OperationState state, string? error, DateTimeOffset now, CancellationToken ct)
    {
        var row = await db.Operations.SingleAsync(o => o.Id == operation.Id, ct);
        row.State = state;
        row.Error = error is null ? null : error[..Math.Min(error.Length, 2000)];
        row.FinishedAt = now;
        if (state == OperationState.Succeeded)
        {
            row.ProgressPercent = 100;
            row.CurrentStep = "Done";
        }
        // The root password has done its job; the row keeps no trace of it.
        if (row.Parameters.ProtectedRootPassword is not null)
            db.Entry(row).Property(o => o.Parameters).CurrentValue = row.Parameters with { ProtectedRootPassword = null };
        return row;
    }

    internal static void Apply(Instance instance, InstanceStatus reported, DateTimeOffset now)
    {
        instance.State = reported.State switch
        {
            ProtoState.Running => CoreState.Running,
            ProtoState.Stopped => CoreState.Stopped,
            ProtoState.Starting => CoreState.Starting,
            ProtoState.Stopping => CoreState.Stopping,
            ProtoState.Failed => CoreState.Failed,
            _ => CoreState.Unknown,
        };
        instance.MemoryMiB = reported.MemoryMib;
        instance.MemoryGuaranteePercent = reported.MemoryGuaranteePercent;
        instance.VCpus = reported.Vcpus;
        // 0: the node does not know a size (a container's folder, a VM defined before sizes were kept); the inventory's stands.
        if (reported.DiskGib > 0) instance.DiskGiB = reported.DiskGib;
        instance.UpdatedAt = now;
    }

    private void Publish(Operation operation) => events.Publish(OperationChanged.From(operation));
}
