using System.Net;
using Microsoft.Extensions.Options;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Nodes.Pki;
using VzPanel.Core.Options;
using VzPanel.Core.Features.Tenancy;
using VzPanel.QuickStart.Demo;

namespace VzPanel.Web.Hosting;

internal static class PanelInitialization
{
    /// <summary>Every name an agent may use to reach the agent endpoint, for its certificate.</summary>
    private static IEnumerable<string> AgentServerNames(AgentOptions options) =>
        ["localhost", "127.0.0.1", "::1", Environment.MachineName, IPEndPoint.Parse(options.Listen).Address.ToString(),
         new Uri(options.EffectivePublicUrl).Host, .. options.ServerNames];

    /// <summary>Migrates (where allowed) and creates the first admin; returns its credentials on a fresh database.</summary>
    public static async Task<FirstAdmin?> InitializeVzPanelAsync(this WebApplication app, bool resetAdminPassword)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System;
        var firstAdmin = await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);
        await app.Services.GetRequiredService<AgentCertificateAuthority>()
            .InitializeAsync(AgentServerNames(app.Services.GetRequiredService<IOptions<AgentOptions>>().Value), app.Lifetime.ApplicationStopping);
        if (firstAdmin is not null && scope.ServiceProvider.GetService<DemoLoginSeeder>() is { } demoLogins)
            await demoLogins.CreateAsync(app.Lifetime.ApplicationStopping);   // a fresh quick start: printed with the admin's
        if (!resetAdminPassword) return firstAdmin;

        var reset = await scope.ServiceProvider.GetRequiredService<FirstAdminBootstrapper>().ResetPasswordAsync(app.Lifetime.ApplicationStopping);
        StartupBanner.PrintReset(reset);
        await app.Services.GetRequiredService<PanelDatabase>().StopEmbeddedAsync();
        return reset;
    }
}
