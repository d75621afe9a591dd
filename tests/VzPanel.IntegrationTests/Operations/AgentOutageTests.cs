using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Instances;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>A panel that retries an unreachable node for 25 s and calls a node Offline after 5 silent seconds.</summary>
public sealed class AgentOutagePanel(PostgresServer server) : PanelFixture(server), IAsyncLifetime
{
    public const int RetryWindowSeconds = 25;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Jobs__AgentRetryWindowSeconds"] = RetryWindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Agents__HeartbeatIntervalSeconds"] = "1",
        ["Agents__OfflineAfterSeconds"] = "5",
    };

    public FleetTenants Tenants { get; private set; } = null!;
    public PanelAgentClients Agents { get; private set; } = null!;

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Tenants = await FleetTenants.SeedAsync(Database);
        Agents = await PanelAgentClients.OpenAsync(this);
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (Agents is not null) await Agents.DisposeAsync();
        await DisposeAsync();
    }
}

/// <summary>
/// A node agent dying while it builds a server: the job keeps retrying with the same operation id, so an agent that
/// comes back finishes the work exactly once, and one that stays away fails the operation cleanly.
/// </summary>
public sealed class AgentOutageTests(AgentOutagePanel fixture) : IClassFixture<AgentOutagePanel>
{
    [Fact]
    public async Task Create_AgentKilledMidwayAndBack_RetriesAndEndsWithExactlyOneServer()
    {
        await using var admin = await PanelSession.SignInAsync(fixture.Panel, "admin", fixture.AdminPassword);
        var hub = await admin.ListenAsync();
        await using var agent = new AgentProcess { SimRam = "4G", SimCpus = 2 };
        var node = await EnrollAsync(admin, agent, "outage-back");
        var accepted = await (await admin.CreateAsync(Spec("ops-outage-back", node))).AcceptedAsync();
        await CreateInFlightAsync(admin, accepted.OperationId);

        await agent.KillAsync();
        var down = Stopwatch.StartNew();
        await agent.RunAsync();   // the same data directory and port, without the hang
        TestContext.Current.TestOutputHelper?.WriteLine($"the agent was back after {down.Elapsed.TotalSeconds:0.0} s (window {AgentOutagePanel.RetryWindowSeconds} s)");

        await admin.SucceededAsync(accepted.OperationId, TimeSpan.FromSeconds(AgentOutagePanel.RetryWindowSeconds + 15));
        var story = (await hub.FinishedAsync(accepted.OperationId)).Select(e => e.CurrentStep).ToList();
        story.ShouldContain(s => s != null && s.StartsWith("Waiting for node outage-back", StringComparison.Ordinal), string.Join(" | ", story));
        var onNode = await fixture.Agents.ListInstancesAsync(node, agent.Address);
        onNode.Select(i => (i.Id, i.Name, i.State.ToString())).ShouldBe([(accepted.InstanceId.ToString(), "ops-outage-back", "Running")]);
        await using var db = fixture.Database.CreateContext();
        var rows = await db.Instances.AsNoTracking().Where(i => i.NodeId == node).ToListAsync();
        rows.Select(i => (i.Id, i.State)).ShouldBe([(accepted.InstanceId, InstanceState.Running)]);
    }

    [Fact]
    public async Task Create_AgentKilledAndNeverBack_FailsWithinTheRetryWindowNamingTheNode()
    {
        await using var admin = await PanelSession.SignInAsync(fixture.Panel, "admin", fixture.AdminPassword);
        await using var agent = new AgentProcess { SimRam = "4G", SimCpus = 2 };
        var node = await EnrollAsync(admin, agent, "outage-gone");
        var accepted = await (await admin.CreateAsync(Spec("ops-outage-gone", node))).AcceptedAsync();
        await CreateInFlightAsync(admin, accepted.OperationId);

        await agent.KillAsync();
        var down = Stopwatch.StartNew();

        var operation = await admin.FinishedAsync(accepted.OperationId, TimeSpan.FromSeconds(AgentOutagePanel.RetryWindowSeconds + 15));
        var failedAfter = down.Elapsed;
        operation.GetProperty("state").GetString().ShouldBe("Failed", operation.ToString());
        operation.GetProperty("error").GetString()!.ShouldStartWith("Node outage-gone did not answer: ");
        operation.GetProperty("error").GetString()!.ShouldEndWith("Gave up after retrying for the configured window.");
        // It kept trying for most of the window (pauses grow to 5 s, and it gives up rather than overrun the window).
        failedAfter.ShouldBeInRange(TimeSpan.FromSeconds(AgentOutagePanel.RetryWindowSeconds - 8), TimeSpan.FromSeconds(AgentOutagePanel.RetryWindowSeconds + 10));
        TestContext.Current.TestOutputHelper?.WriteLine($"failed {failedAfter.TotalSeconds:0.0} s after the agent died (window {AgentOutagePanel.RetryWindowSeconds} s)");
        // Nobody could tell whether the node built it: kept as Failed for a person to look at, not left Provisioning.
        await using (var db = fixture.Database.CreateContext())
            (await db.Instances.AsNoTracking().SingleAsync(i => i.Id == accepted.InstanceId)).State.ShouldBe(InstanceState.Failed);
        // The server is no longer busy: the next request is judged on its merits (the node is offline by now).
        var retry = await (await admin.PowerAsync(accepted.InstanceId, "start")).ProblemAsync();
        (retry.Status, retry.Code, retry.Detail).ShouldBe((HttpStatusCode.Conflict, "conflict",
            "Node outage-gone: offline, it cannot act now. Try again when it reports."));
    }

    private object Spec(string name, Guid node) => new
    {
        name, kind = "Ct", template = FleetTenants.CtTemplate, memory = "512M", memoryGuaranteePercent = 50, tenantId = fixture.Tenants.Acme.Id, nodeId = node,
    };

    /// <summary>Enrolls <paramref name="agent"/> as a new node whose creates hang until the agent goes away.</summary>
    private async Task<Guid> EnrollAsync(PanelSession admin, AgentProcess agent, string name)
    {
        var (nodeId, token, _) = await NodeApiClient.AddNodeAsync(admin.Http, name);
        await agent.EnrollAsync(fixture.Panel.AgentUrl, token);
        var started = DateTimeOffset.UtcNow;
        await agent.RunAsync(simArguments: ["--sim-hang", "create"]);
        await admin.OnlineAsync(Guid.Parse(nodeId), started);
        return Guid.Parse(nodeId);
    }

    /// <summary>Waits until the job is calling the node's create (the call then hangs on the node).</summary>
    private static async Task CreateInFlightAsync(PanelSession admin, Guid operationId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var operation = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/operations/{operationId}");
            if (operation.GetProperty("currentStep").GetString()?.StartsWith("Creating CT", StringComparison.Ordinal) == true) break;
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"The create never reached the node: {operation}");
            await Task.Delay(50);
        }
        await Task.Delay(500);   // the step is reported just before the call goes out
    }
}
