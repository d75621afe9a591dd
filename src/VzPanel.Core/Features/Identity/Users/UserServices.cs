using Microsoft.Extensions.DependencyInjection;

namespace VzPanel.Core.Features.Identity.Users;

public static class UserServices
{
    /// <summary>The account service over ASP.NET Core Identity (which the web host registers).</summary>
    public static IServiceCollection AddVzPanelUsers(this IServiceCollection services)
    {
        services.AddScoped<UserQueries>();
        services.AddScoped<IUserQueries>(sp => sp.GetRequiredService<UserQueries>());
        services.AddScoped<IUserCommands, UserCommands>();
        services.AddScoped<PasswordLinks>();
        return services;
    }
}
