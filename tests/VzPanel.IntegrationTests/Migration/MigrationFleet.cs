using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;
using VzPanel.IntegrationTests.Operations;

namespace VzPanel.IntegrationTests.Migration;

/// <summary>
/// The real panel and three sim agents for migrations: mig-a and mig-b (8 GiB) move servers between them at a simulated
/// 400 MiB/s, mig-small (2 GiB) is too small for most. Unreachable nodes are retried for 30 s (an agent restarting on a busy machine takes more than 10);
/// a killed panel's jobs are taken over after 10 s.
/// </summary>
public sealed class MigrationFleet(PostgresServer server) : PanelFixture(server), IAsyncLifetime
{
    public const int RetryWindowSeconds = 30;
    public static readonly string[] Slow = ["--sim-migration-mibps", "400"];

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Jobs__AgentRetryWindowSeconds"] = RetryWindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Agents__HeartbeatIntervalSeconds"] = "1",
        ["Jobs__CrashRecoverySeconds"] = CrashRecoverySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>How soon a restarted panel takes over the jobs its killed predecessor was running.</summary>
    public const int CrashRecoverySeconds = 10;

    public FleetNode A { get; private set; } = null!;
    public FleetNode B { get; private set; } = null!;
    public FleetNode Small { get; private set; } = null!;
    public FleetTenants Tenants { get; private set; } = null!;
    public PanelAgentClients Agents { get; private set; } = null!;

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Tenants = await FleetTenants.SeedAsync(Database);
        using var admin = await NodeApiClient.AdminAsync(this);
        // One after another: three agents starting at once on a busy two-core machine is how enrollments time out.
        A = await EnrollAsync(admin, "mig-a", "8G", Slow);
        B = await EnrollAsync(admin, "mig-b", "8G", Slow);
        Small = await EnrollAsync(admin, "mig-small", "2G", Slow);
        Agents = await PanelAgentClients.OpenAsync(this);
    }

    /// <summary>One more sim node, its agent run with <paramref name="simArguments"/>; the caller disposes its agent.</summary>
    public async Task<FleetNode> EnrollAsync(HttpClient admin, string name, string ram, string[] simArguments)
    {
        var (nodeId, token, _) = await NodeApiClient.AddNodeAsync(admin, name);
        var agent = new AgentProcess { SimRam = ram, SimCpus = 4 };
        await agent.EnrollAsync(Panel.AgentUrl, token);
        await agent.RunAsync(simArguments: simArguments);
        return new FleetNode(name, Guid.Parse(nodeId), agent);
    }

    public Task<PanelSession> AdminAsync() => PanelSession.SignInAsync(Panel, "admin", AdminPassword);

    /// <summary>A running container of <paramref name="memory"/> on <paramref name="node"/>, created through the API.</summary>
    public async Task<Guid> RunningServerAsync(PanelSession admin, string name, FleetNode node, string memory = "1G", int guarantee = 50)
    {
        var accepted = await (await admin.CreateAsync(new
        {
            name, kind = "Ct", template = FleetTenants.CtTemplate, memory, memoryGuaranteePercent = guarantee, tenantId = Tenants.Acme.Id, nodeId = node.Id,
        })).AcceptedAsync();
        await admin.SucceededAsync(accepted.OperationId);
        return accepted.InstanceId;
    }

    public static Task<HttpResponseMessage> MigrateAsync(PanelSession session, Guid instance, object body) =>
        session.Http.PostAsJsonAsync($"/api/v1/instances/{instance}/migrations", body);

    /// <summary>The inventory's node for the server, by name.</summary>
    public static async Task<string> NodeOfAsync(PanelSession admin, Guid instance) =>
        (await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/instances/{instance}")).GetProperty("instance").GetProperty("nodeName").GetString()!;

    /// <summary>Stops the node's agent and runs it again with <paramref name="faults"/> (<c>--sim-hang migrate-complete</c>) or none.</summary>
    public static async Task RestartAsync(FleetNode node, params string[] faults)
    {
        await node.Agent.StopAsync();
        await node.Agent.RunAsync(simArguments: [.. Slow, .. faults]);
    }

    /// <summary>Waits until the operation's current step starts with <paramref name="step"/>, so a part killed now dies in that step.</summary>
    public static async Task AtStepAsync(PanelSession admin, Guid operationId, string step)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var operation = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/operations/{operationId}");
            if (operation.GetProperty("currentStep").GetString()?.StartsWith(step, StringComparison.Ordinal) == true) return;
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"The migration did not reach \"{step}…\": {operation}");
            await Task.Delay(50);
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (Agents is not null) await Agents.DisposeAsync();
        foreach (var node in new[] { A, B, Small })
            if (node is not null) await node.Agent.DisposeAsync();
        await DisposeAsync();
    }
}

[CollectionDefinition(nameof(MigrationFleetCollection))]
public sealed class MigrationFleetCollection : ICollectionFixture<MigrationFleet>;
