using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Migration;

public interface IMigrationCancel
{
    /// <summary>Stops a migration while it transfers; its job then rolls it back and the server stays where it was.</summary>
    Task<Result<OperationView>> CancelAsync(Guid operationId, CancellationToken ct);
}

/// <summary>
/// Asks the source node to stop the transfer (libvirt aborts the job, the channel closes). The migration job sees the
/// transfer fail and rolls back as for any failure before the switch-over, so cancelling needs no path of its own.
/// </summary>
public sealed class MigrationCancel(IDbContextFactory<VzPanelDbContext> dbFactory, CurrentAccess access, INodeAgentGateway agents, AuditLog audit)
    : IMigrationCancel
{
    public async Task<Result<OperationView>> CancelAsync(Guid operationId, CancellationToken ct)
    {
        if (!access.Scope.IsSystem && access.Scope.Role != PanelRole.Admin) return Error.Forbidden("Only administrators cancel migrations.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var operation = await db.Operations.SingleOrDefaultAsync(o => o.Id == operationId, ct);
        if (operation is null) return Error.NotFound("Operation");
        if (operation is not { Kind: OperationKind.Migrate, Migration: { } run } || operation.IsFinished)
            return Error.Conflict("Only a migration that has not finished can be cancelled.");
        if (run.Phase is not (MigrationPhase.Preparing or MigrationPhase.Transferring))
            return Error.Conflict($"{operation.TargetName} is already switching over to {run.TargetNode}; that step is not cancelled halfway.");

        var source = await db.Nodes.AsNoTracking().Where(n => n.Id == run.SourceNodeId)
            .Select(n => new AgentNode(n.Id, n.Name, n.ManagementAddress)).SingleAsync(ct);
        var progress = await agents.CancelMigrationAsync(source, operation.TargetId!.Value, ct);
        if (!progress.IsSuccess) return Error.Unavailable($"Node {run.SourceNode} could not be asked to stop. {progress.Error!.Message}");
        if (!progress.Value!.Active)
            return Error.Conflict($"No transfer of {operation.TargetName} runs on {run.SourceNode} right now; try again once it copies.");
        audit.Add(db, new AuditEntry("operation.cancel", $"Asked {run.SourceNode} to stop: {operation.Summary}.")
            { TenantId = operation.TenantId, TargetType = "instance", TargetId = operation.TargetId?.ToString() });
        await db.SaveChangesAsync(ct);
        return OperationView.From(operation);
    }
}
