using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using VzPanel.Core.Data.Embedded;
using VzPanel.IntegrationTests.Infrastructure;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>
/// One real PostgreSQL server for the whole test run: the one in <c>VZPANEL_TEST_PG</c> (an admin connection
/// string), or else a throwaway cluster started by the panel's own embedded launcher. Each test class gets
/// its own database, copied from a migrated template so tests never see each other's rows.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string TemplateName = "vzpanel_template";
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private EmbeddedPostgres? _embedded;
    private string? _embeddedDirectory;
    private bool _templateReady;

    public string AdminConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("VZPANEL_TEST_PG") is { Length: > 0 } configured)
        {
            AdminConnectionString = configured;
            return;
        }
        var dir = _embeddedDirectory = Path.Combine(Path.GetTempPath(), $"vzpanel-tests-{Guid.NewGuid():N}"[..24]);
        _embedded = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = dir, Database = "postgres", Durable = false },
            NullLogger.Instance, CancellationToken.None);
        AdminConnectionString = _embedded.ConnectionString;
    }

    /// <summary>A fresh database; migrated (a copy of the template) unless <paramref name="migrated"/> is false.</summary>
    public async Task<TestDatabase> CreateDatabaseAsync(bool migrated = true)
    {
        var name = $"vzpanel_test_{Guid.NewGuid():N}"[..30];
        await _createLock.WaitAsync();
        try
        {
            if (migrated && !_templateReady) await CreateTemplateAsync();
            await ExecuteAsync(migrated ? $"CREATE DATABASE {name} TEMPLATE {TemplateName}" : $"CREATE DATABASE {name}");
        }
        finally
        {
            _createLock.Release();
        }
        return new TestDatabase(this, name);
    }

    internal string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    internal Task DropDatabaseAsync(string name) => ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    private async Task CreateTemplateAsync()
    {
        await ExecuteAsync($"DROP DATABASE IF EXISTS {TemplateName} WITH (FORCE)");
        await ExecuteAsync($"CREATE DATABASE {TemplateName}");
        var template = new TestDatabase(this, TemplateName);
        await using (var db = template.CreateContext())
        {
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.MigrateAsync(db.Database);
        }
        // A template cannot be copied while anyone is connected to it.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(template.ConnectionString));
        _templateReady = true;
    }

    // Not pooled: CREATE/DROP DATABASE must not leave idle connections behind.
    private Task ExecuteAsync(string sql) =>
        Sql.ExecuteAsync(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false }.ConnectionString, sql);

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null) await _embedded.DestroyAsync();
        if (_embeddedDirectory is not null) Directory.Delete(_embeddedDirectory, recursive: true);
        _createLock.Dispose();
    }
}
