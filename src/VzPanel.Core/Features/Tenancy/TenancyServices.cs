using Microsoft.Extensions.DependencyInjection;

namespace VzPanel.Core.Features.Tenancy;

public static class TenancyServices
{
    /// <summary>Customer accounts: the admin commands and the scoped reads.</summary>
    public static IServiceCollection AddVzPanelTenancy(this IServiceCollection services) => services
        .AddScoped<ITenantQueries, TenantQueries>()
        .AddScoped<ITenantCommands, TenantCommands>();
}
