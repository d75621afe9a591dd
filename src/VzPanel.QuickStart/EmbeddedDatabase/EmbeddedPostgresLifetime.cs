using VzPanel.Core.Data;

namespace VzPanel.QuickStart.EmbeddedDatabase;

/// <summary>Stops the embedded PostgreSQL cleanly when the panel shuts down (registered first, so it stops last).</summary>
internal sealed class EmbeddedPostgresLifetime(PanelDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => database.StopEmbeddedAsync();
}
