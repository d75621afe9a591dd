using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Capacity;

namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>The operation rows as every job uses them: claiming, progress, and the end with its audit event. Knows no kind.</summary>
public sealed class OperationStore(IDbContextFactory<VzPanelDbContext> dbFactory, AuditLog audit, PanelEvents events, TimeProvider clock)
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

    public async Task ReportAsync(Operation operation, int percent, string step, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Operations.Where(o => o.Id == operation.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.ProgressPercent, percent).SetProperty(o => o.CurrentStep, step), ct);
        operation.Report(percent, step);
        Publish(operation);
    }

    /// <summary>Ends an operation that changes no other row (or whose changes are already saved), in a transaction of its own.</summary>
    public async Task FinishAsync(Operation operation, string? error, CancellationToken ct, string? note = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await EndAsync(db, operation, error, ct, note);
        await db.SaveChangesAsync(ct);
        Publish(row);
    }

    /// <summary>
    /// Within the caller's unit of work: the row ends (succeeded when <paramref name="error"/> is null) with its audit event.
    /// The caller saves, commits, then <see cref="Publish"/>es the returned row.
    /// </summary>
    /// <param name="note">Something a person should know about a success, added to its audit line.</param>
    public async Task<Operation> EndAsync(VzPanelDbContext db, Operation operation, string? error, CancellationToken ct, string? note = null)
    {
        var row = await db.Operations.SingleAsync(o => o.Id == operation.Id, ct);
        var reason = error is null ? null : Placement.Capitalise(error);
        row.Finish(error is null ? OperationState.Succeeded : OperationState.Failed, reason, clock.GetUtcNow());
        audit.Add(db, new AuditEntry(error is null ? "operation.succeeded" : "operation.failed",
            error is null ? $"{operation.Summary}: done.{(note is null ? "" : " " + note)}" : $"{operation.Summary}: failed. {reason}")
            { Actor = operation.RequestedBy, TenantId = operation.TenantId, TargetType = operation.TargetType, TargetId = operation.TargetId?.ToString() });
        return row;
    }

    public void Publish(Operation operation) => events.Publish(OperationChanged.From(operation));
}
