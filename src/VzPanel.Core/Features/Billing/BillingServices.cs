using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Billing.Notifications;
using VzPanel.Core.Features.Billing.Quotes;
using VzPanel.Core.Features.Billing.Plans;
using VzPanel.Core.Features.Billing.Usage;

namespace VzPanel.Core.Features.Billing;

public static class BillingServices
{
    public static IServiceCollection AddVzPanelBilling(this IServiceCollection services) => services
        .AddOptionsWithValidateOnStart<BillingOptions>().BindConfiguration(BillingOptions.Section).ValidateDataAnnotations().Services
        .AddScoped<IUsageTotals, SegmentUsageTotals>()
        .AddScoped<IPriceQuotes, PriceQuotes>()
        .AddScoped<ICreditBalances, CreditBalances>()
        .AddSingleton<PrepaidEnforcement>()
        .AddHostedService<PrepaidEnforcementMonitor>()
        .AddScoped<IPlanQueries, PlanQueries>()
        .AddScoped<IPlanCommands, PlanCommands>()
        .AddSingleton<IBillingEvents, OutboxBillingEvents>();
}
