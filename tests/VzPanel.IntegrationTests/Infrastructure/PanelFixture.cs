namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>A running panel on its own test database, shared by the tests of one class.</summary>
public class PanelFixture(PostgresServer server) : IAsyncLifetime
{
    /// <summary>Extra settings for the panel process (subclasses of the fixture tune it).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"vzpanel-panel-{Guid.NewGuid():N}"[..24]);

    /// <summary>The panel's data directory (its data-protection keys live here; replicas must share them).</summary>
    public string DataDirectory => _dataDirectory;

    public TestDatabase Database { get; private set; } = null!;
    public PanelProcess Panel { get; private set; } = null!;
    public string AdminPassword { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Database = await server.CreateDatabaseAsync(migrated: false);
        Panel = await PanelProcess.StartAsync(new Dictionary<string, string>(Settings)
        {
            ["ConnectionStrings__Panel"] = Database.ConnectionString,
            ["Database__MigrateOnStart"] = "true",
            ["Panel__DataDirectory"] = _dataDirectory,
        });
        AdminPassword = Panel.PrintedAdminPassword ?? throw new InvalidOperationException($"No admin password printed:\n{Panel.Output}");
    }

    /// <summary>
    /// Kills the panel as a crash would, runs <paramref name="whileDown"/>, and starts it again on the same database, data
    /// directory and ports.
    /// </summary>
    public async Task CrashAndRestartPanelAsync(Func<Task>? whileDown = null)
    {
        var crashed = Panel;
        await crashed.KillAsync();
        if (whileDown is not null) await whileDown();
        Panel = await crashed.StartAgainAsync();
        await crashed.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Panel.DisposeAsync();
        await Database.DisposeAsync();
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }
}
