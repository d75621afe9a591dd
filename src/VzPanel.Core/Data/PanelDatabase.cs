using Microsoft.Extensions.Configuration;
using VzPanel.Core.Data.Embedded;
using VzPanel.Core.Options;

namespace VzPanel.Core.Data;

/// <summary>The database the panel uses: a configured server, or the embedded cluster the quick start started.</summary>
public sealed record PanelDatabase(string ConnectionString, EmbeddedPostgres? Embedded)
{
    public bool IsEmbedded => Embedded is not null;

    public Task StopEmbeddedAsync() => Embedded?.StopAsync(CancellationToken.None) ?? Task.CompletedTask;

    /// <summary>The server in <c>ConnectionStrings:Panel</c>; null when none is configured.</summary>
    public static PanelDatabase? Configured(IConfiguration configuration) =>
        configuration.GetConnectionString(DatabaseOptions.ConnectionStringName) is { Length: > 0 } configured ? new(configured, null) : null;
}
