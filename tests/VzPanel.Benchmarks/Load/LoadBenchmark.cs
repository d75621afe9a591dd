using Npgsql;

namespace VzPanel.Benchmarks.Load;

/// <summary>The `load` command: start everything, create the servers, run both scenarios, print the report.</summary>
public static class LoadBenchmark
{
    /// <summary>A sim agent here has 8 GiB; at the larger size this many servers fit on one.</summary>
    private const int ServersPerAgent = 20;

    public static async Task<int> RunAsync(LoadOptions options, CancellationToken ct)
    {
        var log = Console.Error;
        if (options.Servers > options.Agents * ServersPerAgent)
        {
            await log.WriteLineAsync($"bench: {options.Servers} servers need at least {(options.Servers + ServersPerAgent - 1) / ServersPerAgent} agents (--agents).");
            return 2;
        }
        try
        {
            await using var harness = await LoadHarness.StartAsync(options, log);
            var servers = await Scenarios.CreateServersAsync(harness, options.Servers, ct);
            await log.WriteLineAsync($"bench: {servers.Count} servers created and running; idle scenario ({options.Warmup} + {options.IdleChanges} changes)");
            var report = new LoadReport(options, MachineFacts.Read(), await PostgresVersionAsync(harness.Database.ConnectionString));
            report.Header();

            var idle = await Scenarios.SequentialAsync(harness.Client, servers[0], options.Warmup, options.IdleChanges, TimeSpan.FromMilliseconds(options.GapMilliseconds), ct);
            report.Idle(idle, await OperationTimes.ReadAsync(harness.Database.ConnectionString, idle.OperationIds));
            await log.WriteLineAsync($"bench: concurrent scenario ({options.Servers} × {options.ChangesPerServer} changes)");

            var concurrent = await Scenarios.ConcurrentAsync(harness.Client, servers, options.ChangesPerServer, ct);
            report.Concurrent(concurrent, await OperationTimes.ReadAsync(harness.Database.ConnectionString, concurrent.OperationIds));
            report.Footer();

            Console.Write(report.Text);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.OutputPath))!);
            await File.WriteAllTextAsync(options.OutputPath, report.Text, CancellationToken.None);
            await log.WriteLineAsync($"bench: report written to {options.OutputPath}");
            return idle.Problems + concurrent.Problems == 0 ? 0 : 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await log.WriteLineAsync("bench: cancelled; the panel, agents and database it started are stopped");
            return 130;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or NpgsqlException or IOException)
        {
            await log.WriteLineAsync($"bench: load run failed: {ex}");
            return 1;
        }
    }

    private static async Task<string> PostgresVersionAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SHOW server_version", conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
