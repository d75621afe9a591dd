using VzPanel.Core.Data.Embedded;

namespace VzPanel.Core.Data;

/// <summary>The database the panel uses: a configured server, or the embedded cluster it started itself.</summary>
public sealed record PanelDatabase(string ConnectionString, EmbeddedPostgres? Embedded)
{
    public bool IsEmbedded => Embedded is not null;

    public Task StopEmbeddedAsync() => Embedded?.StopAsync(CancellationToken.None) ?? Task.CompletedTask;
}
