using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VzPanel.Core.Features.Billing.Credit;

/// <summary>Runs <see cref="PrepaidEnforcement"/> every <see cref="BillingOptions.CheckIntervalSeconds"/>.</summary>
internal sealed class PrepaidEnforcementMonitor(
    PrepaidEnforcement enforcement, IOptions<BillingOptions> options, TimeProvider clock, ILogger<PrepaidEnforcementMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.EnforcePrepaid) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.CheckIntervalSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await enforcement.RunAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Checking prepaid credit failed; trying again at the next check");
            }
        }
    }
}
