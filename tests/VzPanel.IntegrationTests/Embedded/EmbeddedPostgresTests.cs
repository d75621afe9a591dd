using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using VzPanel.Core.Data.Embedded;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Embedded;

/// <summary>The launcher behind the quick start: a private cluster from the system's binaries.</summary>
public sealed class EmbeddedPostgresTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vzpanel-embedded-{Guid.NewGuid():N}"[..26]);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task StartStopStart_KeepsTheData()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new EmbeddedPostgresOptions { DataDirectory = _dir, Database = "keepme" };

        var first = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance, ct);
        await Sql.ExecuteAsync(first.ConnectionString, "CREATE TABLE notes (text text); INSERT INTO notes VALUES ('still here')", ct);
        await first.StopAsync(ct);
        File.Exists(Path.Combine(first.ClusterRoot, "pgdata", "postmaster.pid")).ShouldBeFalse();   // stopped cleanly

        var second = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance, ct);
        try
        {
            (await Sql.ScalarAsync(second.ConnectionString, "SELECT text FROM notes", ct)).ShouldBe("still here");
        }
        finally
        {
            await second.DestroyAsync(ct);
        }
    }

    [Fact]
    public async Task Start_ListensOnlyOnItsPrivateSocket()
    {
        var ct = TestContext.Current.CancellationToken;
        var pg = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = _dir, Durable = false }, NullLogger.Instance, ct);
        try
        {
            (await Sql.ScalarAsync(pg.ConnectionString, "SHOW listen_addresses", ct)).ShouldBe("");
            (await Sql.ScalarAsync(pg.ConnectionString, "SHOW unix_socket_permissions", ct)).ShouldBe("0700");
            new NpgsqlConnectionStringBuilder(pg.ConnectionString).Host.ShouldStartWith(_dir);
            var mode = File.GetUnixFileMode(pg.ClusterRoot);
            (mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.OtherExecute)).ShouldBe(UnixFileMode.None);
        }
        finally
        {
            await pg.DestroyAsync(ct);
        }
    }

    [Fact]
    public void Locate_NoBinariesAnywhere_NamesThePackageToInstall()
    {
        var error = Should.Throw<PostgresNotInstalledException>(() => PostgresBinaries.Locate([_dir, "/nonexistent"]));

        error.Message.ShouldContain("apt-get install postgresql");
        error.Message.ShouldContain(_dir);
    }

    [Fact]
    public async Task Start_BadDatabaseName_IsRefusedBeforeAnythingRuns()
    {
        var options = new EmbeddedPostgresOptions { DataDirectory = _dir, Database = "x\"; DROP DATABASE postgres; --" };

        await Should.ThrowAsync<ArgumentException>(() => EmbeddedPostgres.StartAsync(options, NullLogger.Instance, CancellationToken.None));
        Directory.Exists(_dir).ShouldBeFalse();
    }
}
