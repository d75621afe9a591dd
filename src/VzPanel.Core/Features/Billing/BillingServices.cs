using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Features.Billing.Notifications;
using VzPanel.Core.Features.Billing.Rollups;
using VzPanel.Core.Features.Billing.Usage;

namespace VzPanel.Core.Features.Billing;

public static class BillingServices
{
    public static IServiceCollection AddVzPanelBilling(this IServiceCollection services)
    {
        services.AddOptions<UsageRollupOptions>().BindConfiguration(UsageRollupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services
            .AddScoped<IUsageTotals, UsageTotals>()
            .AddScoped<UsageRollup>()
            .AddScoped<UsageExport>()
            .AddSingleton<IBillingEvents, OutboxBillingEvents>();
    }
}
