using Hangfire;
using Microsoft.Extensions.Options;
using VzPanel.Core.Features.Billing.Rollups;

namespace VzPanel.Web.Jobs;

/// <summary>
/// Registers the panel's recurring jobs with Hangfire at start, from their options; every replica does so, and Hangfire
/// keeps one schedule per job id, so a job runs once per interval however many panels there are.
/// </summary>
internal sealed class RecurringJobs(IRecurringJobManager jobs, IOptions<UsageRollupOptions> rollup, ILogger<RecurringJobs> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            jobs.AddOrUpdate<UsageRollup>(UsageRollup.JobId, r => r.RunAsync(CancellationToken.None), rollup.Value.Cron,
                new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        }
        catch (Exception ex)
        {
            // Reads integrate the segments after the watermark, so usage stays right without rollups, only slower.
            logger.LogError(ex, "Could not schedule the hourly usage rollup; usage is read from the segments until a restart schedules it");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
