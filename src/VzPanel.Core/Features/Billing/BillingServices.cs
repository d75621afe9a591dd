using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Features.Billing.Notifications;
using VzPanel.Core.Features.Billing.Plans;
using VzPanel.Core.Features.Billing.Usage;

namespace VzPanel.Core.Features.Billing;

public static class BillingServices
{
    public static IServiceCollection AddVzPanelBilling(this IServiceCollection services) => services
        .AddScoped<IUsageTotals, SegmentUsageTotals>()
        .AddScoped<IPlanQueries, PlanQueries>()
        .AddScoped<IPlanCommands, PlanCommands>()
        .AddSingleton<IBillingEvents, OutboxBillingEvents>();
}
