using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Core.Options;

namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>
/// The operation row is saved before its job is enqueued; if the panel died in between, the operation would
/// wait forever and keep its instance busy. This hands such operations to the job system again.
/// </summary>
public sealed class OperationRequeuer(IServiceScopeFactory scopes, IOptions<JobOptions> options, TimeProvider clock, ILogger<OperationRequeuer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var after = TimeSpan.FromSeconds(options.Value.RequeueAfterSeconds);
        using var timer = new PeriodicTimer(after / 2, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RequeueAsync(after, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Looking for stranded operations failed; trying again later");
            }
        }
    }

    public async Task<int> RequeueAsync(TimeSpan olderThan, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System;
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<VzPanelDbContext>>().CreateDbContextAsync(ct);
        var before = clock.GetUtcNow() - olderThan;
        var stranded = await db.Operations.AsNoTracking()
            .Where(o => o.State == OperationState.Queued && o.JobId == null && o.CreatedAt < before)
            .OrderBy(o => o.CreatedAt).Select(o => o.Id).Take(500).ToListAsync(ct);
        var dispatcher = scope.ServiceProvider.GetRequiredService<IOperationDispatcher>();
        foreach (var id in stranded)
        {
            logger.LogWarning("Operation {OperationId} was queued without a job; queueing it again", id);
            dispatcher.Dispatch(id);
        }
        return stranded.Count;
    }
}
