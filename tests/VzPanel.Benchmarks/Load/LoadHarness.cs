using System.Diagnostics;
using Npgsql;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Templates;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;

namespace VzPanel.Benchmarks.Load;

/// <summary>
/// Everything the load run needs, started the way the integration tests start it: a throwaway PostgreSQL
/// (the panel's embedded launcher, or <c>VZPANEL_TEST_PG</c>), the real panel process in Production on its
/// own database, and real `vzpanel-agent` processes with the sim engine at zero latency, enrolled with join tokens.
/// </summary>
public sealed class LoadHarness : IAsyncDisposable
{
    public const string Template = "debian-12-x86_64";

    private readonly PostgresServer _postgres = new();
    private readonly List<AgentProcess> _agents = [];
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"vzpanel-bench-{Guid.NewGuid():N}"[..24]);

    public TestDatabase Database { get; private set; } = null!;
    public PanelProcess Panel { get; private set; } = null!;
    public PanelClient Client { get; private set; } = null!;
    public Guid TenantId { get; private set; }
    public IReadOnlyList<Guid> NodeIds { get; private set; } = [];

    public static async Task<LoadHarness> StartAsync(LoadOptions options, TextWriter log)
    {
        var harness = new LoadHarness();
        try
        {
            await harness.StartCoreAsync(options, log);
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(LoadOptions options, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        await _postgres.InitializeAsync();
        Database = await _postgres.CreateDatabaseAsync(migrated: false);
        Panel = await PanelProcess.StartAsync(new Dictionary<string, string>(options.PanelSettings)
        {
            ["ConnectionStrings__Panel"] = options.PoolSize is { } pool
                ? new NpgsqlConnectionStringBuilder(Database.ConnectionString) { MaxPoolSize = pool }.ConnectionString
                : Database.ConnectionString,
            ["Database__MigrateOnStart"] = "true",
            ["Panel__DataDirectory"] = _dataDirectory,
        });
        var password = Panel.PrintedAdminPassword ?? throw new InvalidOperationException($"The panel printed no admin password:\n{Panel.Output}");
        Client = await PanelClient.SignInAsync(Panel, "admin", password);
        await log.WriteLineAsync($"bench: panel up at {Panel.BaseUrl} ({clock.Elapsed.TotalSeconds:0.0} s)");

        var nodeIds = new List<Guid>();
        for (var i = 1; i <= options.Agents; i++)
        {
            var (nodeId, token, _) = await NodeApiClient.AddNodeAsync(Client.Http, $"bench-{i}");
            var agent = new AgentProcess();
            _agents.Add(agent);
            await agent.EnrollAsync(Panel.AgentUrl, token);
            await agent.RunAsync(heartbeatSeconds: 5);
            nodeIds.Add(Guid.Parse(nodeId));
        }
        NodeIds = nodeIds;
        await Client.WaitForNodesOnlineAsync(nodeIds.Count, TimeSpan.FromSeconds(60));
        TenantId = await SeedAsync();
        await log.WriteLineAsync($"bench: {options.Agents} sim agents online, tenant and template seeded ({clock.Elapsed.TotalSeconds:0.0} s)");
    }

    /// <summary>What the REST API cannot create yet: an OS template, and a customer with a plan.</summary>
    private async Task<Guid> SeedAsync()
    {
        await using (var db = Database.CreateContext())
        {
            db.Templates.Add(new Template { Name = Template, Kind = InstanceKind.Ct, Version = "12.8", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        return (await Database.TenantAsync("Bench Hosting")).Id;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents) await agent.DisposeAsync();
        Client?.Dispose();
        if (Panel is not null)
        {
            await Panel.DisposeAsync();
            // What the panel logged, for when a number needs explaining (warnings, retries, pool waits).
            Directory.CreateDirectory(BenchPaths.Artifacts);
            await File.WriteAllTextAsync(Path.Combine(BenchPaths.Artifacts, "load-panel.log"),
                Panel.PrintedAdminPassword is { } password ? Panel.Output.Replace(password, "(throwaway)", StringComparison.Ordinal) : Panel.Output);
        }
        if (Database is not null) await Database.DisposeAsync();
        await _postgres.DisposeAsync();
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }
}
