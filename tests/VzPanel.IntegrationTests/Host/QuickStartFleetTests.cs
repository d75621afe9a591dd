using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;

namespace VzPanel.IntegrationTests.Host;

/// <summary>The panel with its three local sim agents, as the quick start runs it.</summary>
public sealed class QuickStartPanel(PostgresServer server) : PanelFixture(server)
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Panel__LocalAgents__Count"] = "3",
        ["Panel__LocalAgents__FirstPort"] = PanelProcess.FreeLocalAgentPorts(),
        ["Panel__LocalAgents__AgentPath"] = PanelProcess.AgentDll,
    };
}

public sealed class QuickStartFleetTests(QuickStartPanel fixture) : IClassFixture<QuickStartPanel>
{
    [Fact]
    public async Task QuickStart_ShowsThreeLiveNodesWithTheirDemoServers_AndNoDrift()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await NodeApiClient.AdminAsync(fixture);

        // Drift is level-triggered: a heartbeat sent while a demo server was being created may flag it for
        // one round; the next reports must agree with the inventory.
        var nodes = await WaitForAsync(admin, n => n.Count == 3 && n.All(x => x.GetProperty("state").GetString() == "Online")
            && n.Sum(x => x.GetProperty("instances").GetInt32()) == 5 && n.All(x => x.GetProperty("driftCount").GetInt32() == 0), ct);

        nodes.Select(n => n.GetProperty("name").GetString()).ShouldBe(["sim-1", "sim-2", "sim-3"]);
        nodes.Select(n => n.GetProperty("ramMiB").GetInt64()).ShouldBe([16384L, 32768L, 8192L]);   // sized differently
        // The demo servers are created by jobs; wait until every one has ended up as it should.
        var states = await WaitForAsync(admin, "/api/v1/dashboard", (JsonElement d) =>
            d.GetProperty("instancesByState").TryGetProperty("Stopped", out _) && d.GetProperty("instancesByState").TryGetProperty("Running", out var r) && r.GetInt32() == 4, ct);
        states.GetProperty("instancesByState").GetProperty("Running").GetInt32().ShouldBe(4);
        states.GetProperty("instancesByState").GetProperty("Stopped").GetInt32().ShouldBe(1);
    }

    private Task<List<JsonElement>> WaitForAsync(HttpClient admin, Func<List<JsonElement>, bool> done, CancellationToken ct) =>
        WaitForAsync(admin, "/api/v1/nodes", done, ct);

    private async Task<T> WaitForAsync<T>(HttpClient admin, string path, Func<T, bool> done, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = (await admin.GetFromJsonAsync<T>(path, ct))!;
            if (done(value)) return value;
            if (clock.Elapsed > TimeSpan.FromSeconds(180)) throw new TimeoutException($"The quick-start fleet did not settle: {JsonSerializer.Serialize(value)}\n{Logs()}");
            await Task.Delay(250, ct);
        }
    }

    /// <summary>What the panel said about its agents and the end of each agent's log: why a node went Offline.</summary>
    private string Logs()
    {
        var panel = fixture.Panel.Output.Split('\n').Where(l => l.Contains("agent", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase));
        var agents = Directory.EnumerateFiles(Path.Combine(fixture.DataDirectory, "agents"), "agent.log", SearchOption.AllDirectories)
            .Select(f => $"--- {f}\n{string.Join('\n', File.ReadLines(f).TakeLast(40))}");
        return $"--- panel\n{string.Join('\n', panel.TakeLast(40))}\n{string.Join('\n', agents)}";
    }
}
