using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;

namespace VzPanel.Core.Features.Migration;

/// <summary>
/// The drain job: migrates the node's servers away one at a time (largest guarantee first), each as its own migrate
/// operation with its own progress, so every placement sees the capacity the moves before it took. A re-run goes on
/// with what is still on the node and waits for a migration already under way instead of asking twice.
/// </summary>
public sealed class DrainSteps(IDbContextFactory<VzPanelDbContext> dbFactory, IInstanceCommands commands, OperationStore operations, TimeProvider clock)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public async Task RunAsync(Operation drain, ProgressReport report, CancellationToken ct)
    {
        var nodeId = drain.TargetId!.Value;
        var servers = await ServersOnAsync(nodeId, ct);
        var total = servers.Count;
        var left = new List<string>();
        for (var i = 0; i < servers.Count; i++)
        {
            var (id, name) = servers[i];
            await report(Percent(i, total), $"Moved {i} of {total}; now {name}");
            var moved = await MoveAsync(id, ct);
            if (moved is not null) left.Add($"{name} ({moved.TrimEnd('.')})");
        }
        var error = left.Count == 0 ? null
            : $"Moved {total - left.Count} of {total}; still on {drain.TargetName}: {string.Join("; ", left)}. The node stays in maintenance.";
        await operations.FinishAsync(drain, error, ct, note: $"{total} moved.");
    }

    /// <summary>Migrates one server and waits for the outcome; null when it moved, else why not.</summary>
    private async Task<string?> MoveAsync(Guid instanceId, CancellationToken ct)
    {
        var requested = await commands.MigrateAsync(instanceId, new MigrateCommand(), ct);
        Guid operationId;
        if (requested.IsSuccess) operationId = requested.Value!.Id;
        else if (await ActiveMigrationAsync(instanceId, ct) is { } running) operationId = running;   // a re-run finds its own migration
        else return requested.Error!.Message;

        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var operation = await db.Operations.AsNoTracking().SingleAsync(o => o.Id == operationId, ct);
            if (operation.IsFinished) return operation.State == OperationState.Succeeded ? null : operation.Error;
            await Task.Delay(Poll, clock, ct);
        }
    }

    private async Task<List<(Guid Id, string Name)>> ServersOnAsync(Guid nodeId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Instances.AsNoTracking().Where(i => i.NodeId == nodeId)
            .Select(i => new { i.Id, i.Name, i.MemoryMiB, i.MemoryGuaranteePercent }).ToListAsync(ct);
        return [.. rows.OrderByDescending(r => Instance.GuaranteeOf(r.MemoryMiB, r.MemoryGuaranteePercent)).ThenBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => (r.Id, r.Name))];
    }

    private async Task<Guid?> ActiveMigrationAsync(Guid instanceId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Operations.AsNoTracking()
            .Where(o => o.TargetId == instanceId && o.Kind == OperationKind.Migrate && (o.State == OperationState.Queued || o.State == OperationState.Running))
            .Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
    }

    private static int Percent(int done, int total) => total == 0 ? 0 : done * 100 / total;
}
