using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace VzPanel.Core.Data.Embedded;

/// <summary>
/// A private PostgreSQL cluster started from the system's binaries (initdb + pg_ctl). It listens on a unix
/// socket in its own 0700 folder and nowhere else, so only this OS account (and root) can reach it.
/// Data stays in <see cref="EmbeddedPostgresOptions.DataDirectory"/> across restarts.
/// </summary>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    private const int Port = 5432;   // only names the socket file; nothing listens on TCP
    private readonly EmbeddedPostgresOptions _options;
    private readonly string _bin;
    private readonly ILogger _logger;
    private readonly string? _runAs;
    private bool _running;

    private EmbeddedPostgres(EmbeddedPostgresOptions options, string bin, ILogger logger)
    {
        _options = options;
        _bin = bin;
        _logger = logger;
        _runAs = Environment.UserName == "root" ? options.RootRunAsUser : null;
        var root = Path.GetFullPath(Path.Combine(options.DataDirectory, "postgres"));
        ClusterRoot = root;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = SocketDirectory,
            Port = Port,
            Username = options.User,
            Database = options.Database,
            MaxPoolSize = 60,
        }.ConnectionString;
    }

    public string ClusterRoot { get; }
    public string ConnectionString { get; }
    private string DataPath => Path.Combine(ClusterRoot, "pgdata");
    private string SocketDirectory => Path.Combine(ClusterRoot, "run");
    private string LogFile => Path.Combine(ClusterRoot, "postgres.log");

    /// <summary>Creates the cluster on first use, starts it (or adopts one left running) and makes the database.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, ILogger logger, CancellationToken ct)
    {
        if (!DatabaseName().IsMatch(options.Database)) throw new ArgumentException("Database names are lower-case letters, digits and '_'.", nameof(options));
        var pg = new EmbeddedPostgres(options, PostgresBinaries.Locate(options.BinDirectory), logger);
        await pg.StartClusterAsync(ct);
        return pg;
    }

    private async Task StartClusterAsync(CancellationToken ct)
    {
        await PrepareFoldersAsync(ct);
        if (!File.Exists(Path.Combine(DataPath, "PG_VERSION")))
        {
            _logger.LogInformation("Creating a private PostgreSQL cluster in {DataPath}", DataPath);
            var args = new List<string> { "-D", DataPath, "-U", _options.User, "--auth=trust", "--encoding=UTF8", "--no-locale" };
            if (!_options.Durable) args.Add("--no-sync");
            await PgAsync("initdb", args, ct);
        }
        await WriteSettingsAsync(ct);

        var status = await RunAsync("pg_ctl", ["status", "-D", DataPath], ct);
        if (status.Succeeded)
        {
            _logger.LogInformation("Reusing the PostgreSQL server already running on {DataPath}", DataPath);
        }
        else
        {
            await PgAsync("pg_ctl", ["start", "-D", DataPath, "-l", LogFile, "-w", "-t", "60", "-s"], ct);
            _logger.LogInformation("Started PostgreSQL on unix socket {SocketDirectory}", SocketDirectory);
        }
        _running = true;
        await EnsureDatabaseAsync(ct);
    }

    public async Task StopAsync(CancellationToken ct = default)
    {
        if (!_running) return;
        _running = false;
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));   // pooled connections die with the server
        var result = await RunAsync("pg_ctl", ["stop", "-D", DataPath, "-m", "fast", "-w", "-t", "60", "-s"], ct);
        if (result.Succeeded) _logger.LogInformation("Stopped PostgreSQL on {DataPath}", DataPath);
        else _logger.LogWarning("pg_ctl stop said: {Output}", result.Output);
    }

    /// <summary>Stops the server and removes its files: for throwaway test clusters.</summary>
    public async Task DestroyAsync(CancellationToken ct = default)
    {
        await StopAsync(ct);
        Directory.Delete(ClusterRoot, recursive: true);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task PrepareFoldersAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(ClusterRoot);
        Directory.CreateDirectory(SocketDirectory);
        File.SetUnixFileMode(ClusterRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(SocketDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (_runAs is not null)
        {
            var chown = await ProcessCall.RunAsync("chown", ["-R", $"{_runAs}:", ClusterRoot], ct);
            if (!chown.Succeeded)
                throw new InvalidOperationException($"Running as root, the embedded PostgreSQL runs as '{_runAs}', but chown failed: {chown.Output}. {PostgresBinaries.InstallHint}");
            await EnsureReachableAsync(_runAs, ct);
        }
    }

    /// <summary>
    /// The cluster's folder now belongs to <paramref name="account"/>, but every folder above it must let that account in
    /// too. A 0700 one (a <c>mktemp -d</c> folder, /root) otherwise fails initdb with "Permission denied" on a path that
    /// names neither the folder to change nor the fix.
    /// </summary>
    private async Task EnsureReachableAsync(string account, CancellationToken ct)
    {
        if (await CanEnterAsync(account, ClusterRoot, ct)) return;
        var dataDirectory = Path.GetFullPath(_options.DataDirectory);
        var blocked = await HighestClosedFolderAsync(account, ct) ?? dataDirectory;
        var mode = Convert.ToString((int)File.GetUnixFileMode(blocked), 8).PadLeft(4, '0');
        var which = blocked == dataDirectory ? "it" : blocked == Path.GetDirectoryName(dataDirectory) ? $"its parent {blocked}" : $"{blocked} above it";
        throw new EmbeddedPostgresSetupException(
            $"The data directory {dataDirectory} cannot be reached by the {account} account ({which} is {mode}): choose a folder {account} can traverse, "
            + $"e.g. with Panel__DataDirectory=/var/lib/vzpanel, or chmod o+x {blocked}.");
    }

    /// <summary>The folder above the cluster, nearest to /, that <paramref name="account"/> cannot enter: the one to change.</summary>
    private async Task<string?> HighestClosedFolderAsync(string account, CancellationToken ct)
    {
        var above = new List<string>();
        for (var dir = Directory.GetParent(ClusterRoot); dir is not null; dir = dir.Parent) above.Insert(0, dir.FullName);
        foreach (var folder in above)
        {
            if (!await CanEnterAsync(account, folder, ct)) return folder;
        }
        return null;
    }

    /// <summary>Asks the system itself (permissions, ACLs, group membership) whether <paramref name="account"/> may enter the folder.</summary>
    private static async Task<bool> CanEnterAsync(string account, string folder, CancellationToken ct) =>
        (await ProcessCall.RunAsync("runuser", ["-u", account, "--", "test", "-x", folder], ct)).Succeeded;

    private async Task WriteSettingsAsync(CancellationToken ct)
    {
        var settings = new List<string>
        {
            "# Written by VzPanel on every start; edit Panel settings instead.",
            "listen_addresses = ''",
            $"unix_socket_directories = '{SocketDirectory.Replace("'", "''", StringComparison.Ordinal)}'",
            "unix_socket_permissions = 0700",
            $"port = {Port.ToString(CultureInfo.InvariantCulture)}",
            "max_connections = 200",
            "timezone = 'UTC'",
        };
        if (!_options.Durable) settings.AddRange(["fsync = off", "synchronous_commit = off", "full_page_writes = off"]);

        var path = Path.Combine(DataPath, "vzpanel.conf");
        await File.WriteAllLinesAsync(path, settings, ct);
        var main = Path.Combine(DataPath, "postgresql.conf");
        const string include = "include_if_exists = 'vzpanel.conf'";
        if (!(await File.ReadAllLinesAsync(main, ct)).Contains(include))
            await File.AppendAllLinesAsync(main, [include], ct);
        if (_runAs is not null) await ProcessCall.RunAsync("chown", [$"{_runAs}:", path], ct);
    }

    private async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn) { Parameters = { new() { Value = _options.Database } } };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            // The name was checked against DatabaseName() above, so it is safe as an identifier.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_options.Database}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task PgAsync(string program, IReadOnlyList<string> args, CancellationToken ct)
    {
        var result = await RunAsync(program, args, ct);
        if (result.Succeeded) return;
        var log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(10)) : "";
        throw new InvalidOperationException(
            $"{program} failed (exit {result.ExitCode}) for the embedded PostgreSQL in {ClusterRoot}: {result.Output}\n{log}".TrimEnd());
    }

    /// <summary>PostgreSQL refuses to run as root, so as root the programs run as <see cref="_runAs"/>.</summary>
    private Task<ProcessCall.Outcome> RunAsync(string program, IReadOnlyList<string> args, CancellationToken ct)
    {
        var path = Path.Combine(_bin, program);
        return _runAs is null
            ? ProcessCall.RunAsync(path, args, ct)
            : ProcessCall.RunAsync("runuser", ["-u", _runAs, "--", path, .. args], ct);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
