using VzPanel.Core.Data;
using VzPanel.Core.Data.Embedded;
using VzPanel.Core.Options;

namespace VzPanel.QuickStart.EmbeddedDatabase;

/// <summary>The quick start's own PostgreSQL: a private cluster in the panel's data directory, started before the host is built.</summary>
internal static class EmbeddedPanelDatabase
{
    /// <summary>
    /// Starts the cluster (creating it on first use); null when this machine's setup keeps it from starting, after
    /// printing why as the one line a person needs (what to change, and how), not a stack trace.
    /// </summary>
    public static async Task<PanelDatabase?> TryStartAsync(IConfiguration configuration, ILogger startupLog, CancellationToken ct)
    {
        var panel = configuration.GetSection(PanelOptions.Section).Get<PanelOptions>() ?? new PanelOptions();
        try
        {
            var embedded = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = panel.ResolveDataDirectory() }, startupLog, ct);
            return new PanelDatabase(embedded.ConnectionString, embedded);
        }
        catch (EmbeddedPostgresSetupException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return null;
        }
    }
}
