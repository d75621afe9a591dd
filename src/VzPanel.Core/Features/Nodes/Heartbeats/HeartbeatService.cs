using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Templates;
using VzPanel.Core.Options;

namespace VzPanel.Core.Features.Nodes.Heartbeats;

/// <summary>
/// Takes a node's heartbeat: marks it Online, refreshes its capacity and facts, registers templates new to the
/// catalog and flags drift. Never rewrites instances.
/// </summary>
public sealed class HeartbeatService(
    IDbContextFactory<VzPanelDbContext> dbFactory, AuditLog audit, TemplateCatalog templates, PanelEvents events, IOptions<AgentOptions> options,
    TimeProvider clock)
{
    /// <summary>Records the heartbeat of <paramref name="nodeId"/>, sent with a certificate of <paramref name="thumbprint"/>.</summary>
    public async Task<Result<int>> RecordAsync(Guid nodeId, string thumbprint, HeartbeatReport report, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await TryRecordAsync(nodeId, thumbprint, report, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // Someone changed the node meanwhile (an admin, the offline monitor): read again and reapply.
            }
            catch (DbUpdateException ex) when (attempt < 3 && TemplateCatalog.IsRegistrationRace(ex))
            {
                // Another node registered the same new template at the same moment: read the catalog again.
            }
        }
    }

    private async Task<Result<int>> TryRecordAsync(Guid nodeId, string thumbprint, HeartbeatReport report, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var node = await db.Nodes.SingleOrDefaultAsync(n => n.Id == nodeId, ct);
        if (node is null) return Error.NotFound("Node");
        if (!string.Equals(node.CertificateThumbprint, thumbprint, StringComparison.Ordinal))
            return Error.Forbidden("This certificate is no longer valid for the node; it was re-enrolled.");

        var cameBack = node.Heartbeat(report.Node, report.AgentAddress, clock.GetUtcNow());
        // Usually the same as last time: then no fact column is written and the catalog is not even read.
        if (NodeFacts.Apply(node, report.Node)) await templates.RegisterAsync(db, node.Name, report.Node.Templates, ct);

        var inventory = await db.Instances.AsNoTracking().Where(i => i.NodeId == nodeId).ToListAsync(ct);
        // A server with an operation under way is the job's to reconcile: the node may already show the new size, or,
        // while it migrates, hold a copy the inventory places on the other node.
        var inFlight = await db.Operations.AsNoTracking()
            .Where(o => (o.NodeId == nodeId || o.Kind == OperationKind.Migrate) && o.TargetId != null && (o.State == OperationState.Queued || o.State == OperationState.Running))
            .Select(o => o.TargetId!.Value).ToListAsync(ct);
        var drift = DriftDetector.Compare(inventory, report.Instances, report.SentAt, inFlight.ToHashSet());
        var driftChanged = !drift.SequenceEqual(node.Drift);
        if (driftChanged) node.Drift = drift;
        if (cameBack)
            audit.Add(db, new AuditEntry("node.online", $"Node '{node.Name}' is reporting again.") { Actor = "agent", TargetType = "node", TargetId = node.Id.ToString() });

        await db.SaveChangesAsync(ct);
        events.Publish(new NodeChanged(node.Id, node.State));
        return options.Value.HeartbeatIntervalSeconds;
    }
}
