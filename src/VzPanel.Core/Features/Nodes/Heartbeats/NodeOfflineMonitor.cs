using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Core.Options;

namespace VzPanel.Core.Features.Nodes.Heartbeats;

/// <summary>Marks nodes Offline once their heartbeats stop (level-triggered: checks every second, idempotent).</summary>
public sealed class NodeOfflineMonitor(
    IServiceScopeFactory scopes, PanelEvents events, IOptions<AgentOptions> options, TimeProvider clock, ILogger<NodeOfflineMonitor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await MarkSilentNodesOfflineAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Checking node heartbeats failed; trying again in a second");
            }
        }
    }

    public async Task MarkSilentNodesOfflineAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System;
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<VzPanelDbContext>>().CreateDbContextAsync(ct);
        var deadline = clock.GetUtcNow().AddSeconds(-options.Value.OfflineAfterSeconds);
        var silent = await db.Nodes.Where(n => n.State == NodeState.Online && n.LastHeartbeatAt < deadline).ToListAsync(ct);
        if (silent.Count == 0) return;

        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        foreach (var node in silent)
        {
            node.FallSilent();
            audit.Add(db, new AuditEntry("node.offline", $"Node '{node.Name}' missed its heartbeats since {node.LastHeartbeatAt:u}.")
                { TargetType = "node", TargetId = node.Id.ToString() });
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return;   // a heartbeat arrived meanwhile; the next tick looks again
        }
        foreach (var node in silent)
        {
            logger.LogWarning("Node {Node} is offline: no heartbeat since {LastHeartbeat}", node.Name, node.LastHeartbeatAt);
            events.Publish(new NodeChanged(node.Id, node.State));
        }
    }
}
