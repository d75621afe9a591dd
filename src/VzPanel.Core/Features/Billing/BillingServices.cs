using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Billing.Notifications;
using VzPanel.Core.Features.Billing.Quotes;
using VzPanel.Core.Features.Billing.Revenue;
using VzPanel.Core.Features.Billing.Plans;
using VzPanel.Core.Features.Billing.Rollups;
using VzPanel.Core.Features.Billing.Spend;
using VzPanel.Core.Features.Billing.Statements;
using VzPanel.Core.Features.Billing.Usage;

namespace VzPanel.Core.Features.Billing;

public static class BillingServices
{
    public static IServiceCollection AddVzPanelBilling(this IServiceCollection services)
    {
        services.AddOptions<UsageRollupOptions>().BindConfiguration(UsageRollupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BillingOptions>().BindConfiguration(BillingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services
            .AddScoped<IUsageTotals, UsageTotals>()
            .AddScoped<UsageRollup>()
            .AddScoped<UsageExport>()
            .AddScoped<IPriceQuotes, PriceQuotes>()
            .AddScoped<ICreditBalances, CreditBalances>()
            .AddScoped<ITenantSpend, TenantSpend>()
            .AddScoped<ITenantStatements, TenantStatements>()
            .AddScoped<IUsageHistory, UsageHistory>()
            .AddScoped<IRevenueReport, RevenueReport>()
            .AddSingleton<PrepaidEnforcement>()
            .AddHostedService<PrepaidEnforcementMonitor>()
            .AddScoped<IPlanQueries, PlanQueries>()
            .AddScoped<IPlanCommands, PlanCommands>()
            .AddSingleton<IBillingEvents, OutboxBillingEvents>();
    }
}
