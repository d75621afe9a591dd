using VzPanel.Core.Data;
using VzPanel.QuickStart.Demo;
using VzPanel.QuickStart.EmbeddedDatabase;
using VzPanel.QuickStart.LocalAgents;

namespace VzPanel.QuickStart;

/// <summary>
/// The quick start's part of the panel host, composed before core and web: its own PostgreSQL when no server is
/// configured, the local agents (sim-1..3, vm-1, ct-1) and the demo fleet on them. A production panel (a configured
/// server and no local agents asked for) is composed without it, so it never starts a database or an agent.
/// </summary>
public static class QuickStartHost
{
    /// <summary>
    /// Whether this panel is a quick start: no database configured, or local demo nodes asked for with
    /// <c>Panel:LocalAgents:Count</c> (the Compose demo runs them next to its own PostgreSQL).
    /// </summary>
    public static bool Applies(IConfiguration configuration) =>
        PanelDatabase.Configured(configuration) is null
        || configuration.GetSection(LocalAgentOptions.Section).Get<LocalAgentOptions>()?.Count > 0;

    /// <summary>
    /// Starts the embedded PostgreSQL unless a server is configured, and registers the local agents and the demo fleet.
    /// Returns the database for core; null when the embedded one cannot start on this machine, after printing why in one
    /// line: the panel then exits.
    /// </summary>
    public static async Task<PanelDatabase?> AddVzPanelQuickStartAsync(this IHostApplicationBuilder builder, ILogger startupLog, CancellationToken ct = default)
    {
        UseQuickStartDefaults(builder.Configuration);
        var database = PanelDatabase.Configured(builder.Configuration);
        if (database is null)
        {
            database = await EmbeddedPanelDatabase.TryStartAsync(builder.Configuration, startupLog, ct);
            if (database is null) return null;
            // The first hosted service, so it stops last: after the agents, the jobs and every other user of the database.
            builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
            // The embedded default shows every role: a login per demo customer and a support login, made on the first start.
            builder.Services.AddSingleton<DemoLogins>();
            builder.Services.AddScoped<DemoLoginSeeder>();
        }
        builder.Services.AddOptions<LocalAgentOptions>().BindConfiguration(LocalAgentOptions.Section);
        builder.Services.AddScoped<DemoFleetSeeder>();
        builder.Services.AddHostedService<LocalSimAgents>();
        return database;
    }

    /// <summary>
    /// Settings a quick start needs different from production, placed beneath every other source, so appsettings, the
    /// environment and the command line still win. Staff MFA is off: the printed demo logins must sign in at once.
    /// </summary>
    private static void UseQuickStartDefaults(IConfigurationBuilder configuration) =>
        configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = [new("Identity:RequireStaffMfa", "false")],
        });
}
