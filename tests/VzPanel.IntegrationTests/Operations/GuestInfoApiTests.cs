using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Nodes;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>
/// What the real sim agents tell the panel about themselves (stored from their heartbeats) and about their guests
/// (<c>GET /api/v1/instances/{id}/guest</c>, read from the node for whoever may see the server).
/// </summary>
[Collection(nameof(OperationsFleetCollection))]
public sealed class GuestInfoApiTests(OperationsFleet fleet)
{
    private const string SidChangeOnLinux = "SID change applies to Windows guests only; this guest runs Linux";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Heartbeat_StoresTheNodesVersionsAndCapabilities()
    {
        await using var admin = await fleet.AdminAsync();
        await Sql.ExecuteAsync(fleet.Database.ConnectionString,
            $"UPDATE nodes SET versions = '{{}}', capabilities = '{{}}' WHERE id = '{fleet.Big.Id}'", _ct);

        var node = await ReportedAgainAsync(admin, fleet.Big.Id);

        var versions = node.GetProperty("versions").Deserialize<Dictionary<string, string>>()!;
        versions.Keys.ShouldBe(["kernel", "sim"], ignoreOrder: true);
        versions["sim"].ShouldBe(node.GetProperty("node").GetProperty("agentVersion").GetString());
        node.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ShouldBe(["memory-hotplug", "memory-unplug", "guest-agent", "ksm"]);
        node.GetProperty("accelerator").ValueKind.ShouldBe(JsonValueKind.Null);
        node.GetProperty("templates").GetArrayLength().ShouldBe(0);   // the sim keeps no template cache: it builds from any name
        await using var db = fleet.Database.CreateContext();
        (await db.Nodes.SingleAsync(n => n.Id == fleet.Big.Id, _ct)).Capabilities.ShouldContain("guest-agent");
    }

    [Fact]
    public async Task Guest_OfARunningServer_ComesFromItsNode_ForItsOwnerAndSupport_AndIsNotFoundForOthers()
    {
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        await using var support = await fleet.SignInAsync(FleetTenants.Support);
        await using var stranger = await fleet.SignInAsync(FleetTenants.GlobexOwner);
        var created = await (await owner.CreateAsync(new { name = "ops-guest-1", kind = "Ct", template = FleetTenants.CtTemplate, memory = "256M" }))
            .AcceptedAsync();
        var id = created.InstanceId;
        try
        {
            await owner.SucceededAsync(created.OperationId);

            var mine = await owner.Http.GetAsync($"/api/v1/instances/{id}/guest", _ct);
            var byName = await owner.Http.GetAsync("/api/v1/instances/ops-guest-1/guest", _ct);
            var bySupport = await support.Http.GetAsync($"/api/v1/instances/{id}/guest", _ct);
            var byStranger = await stranger.Http.GetAsync($"/api/v1/instances/{id}/guest", _ct);

            var guest = await OkAsync(mine);
            guest.GetProperty("agentResponding").GetBoolean().ShouldBeTrue();
            guest.GetProperty("osName").GetString().ShouldBe(FleetTenants.CtTemplate);   // the sim's guest is what its template says
            guest.GetProperty("kernelRelease").GetString().ShouldBe("sim");
            guest.GetProperty("memorySeenMiB").GetInt64().ShouldBe(256);
            var tools = guest.GetProperty("tools").EnumerateArray()
                .ToDictionary(t => t.GetProperty("name").GetString()!, t => (t.GetProperty("available").GetBoolean(), t.GetProperty("reason").GetString()));
            tools.ShouldBe(new Dictionary<string, (bool, string?)>
            {
                ["exec"] = (true, null), ["set-password"] = (true, null), ["network"] = (true, null), ["sid-change"] = (false, SidChangeOnLinux),
            }, ignoreOrder: true);
            (await OkAsync(byName)).GetProperty("osName").GetString().ShouldBe(FleetTenants.CtTemplate);
            (await OkAsync(bySupport)).GetProperty("agentResponding").GetBoolean().ShouldBeTrue();   // read-only, not blind
            var hidden = await byStranger.ProblemAsync();
            (hidden.Status, hidden.Code, hidden.Detail).ShouldBe((HttpStatusCode.NotFound, "not_found", $"Instance '{id}' was not found."));
        }
        finally
        {
            await using var admin = await fleet.AdminAsync();
            await admin.RemoveAsync(id);
        }
    }

    [Fact]
    public async Task Guest_WhenTheNodeDoesNotAnswer_IsA503WithTheReason()
    {
        // A node whose agent is gone (nothing listens at its address), only for this test.
        var ghost = await fleet.Database.NodeAsync("ops-ghost", state: NodeState.Offline, address: $"127.0.0.1:{PanelProcess.FreePort()}");
        var server = await fleet.Database.InstanceAsync(fleet.Tenants.Acme, ghost, "ops-guest-ghost", memoryMiB: 256);
        try
        {
            await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);

            var problem = await (await owner.Http.GetAsync($"/api/v1/instances/{server.Id}/guest", _ct)).ProblemAsync();

            (problem.Status, problem.Code, problem.Detail).ShouldBe((HttpStatusCode.ServiceUnavailable, "unavailable", "Node ops-ghost did not answer: Connection refused."));
        }
        finally
        {
            await using var db = fleet.Database.CreateContext();
            await db.Instances.Where(i => i.Id == server.Id).ExecuteDeleteAsync(_ct);
            await db.Nodes.Where(n => n.Id == ghost.Id).ExecuteDeleteAsync(_ct);
        }
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>Waits until the node's heartbeats have put its capabilities back; returns the node as the API shows it.</summary>
    private async Task<JsonElement> ReportedAgainAsync(PanelSession admin, Guid nodeId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var node = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/nodes/{nodeId}", _ct);
            if (node.GetProperty("capabilities").GetArrayLength() > 0 && node.GetProperty("versions").EnumerateObject().Any()) return node;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No heartbeat restored the node's facts: {node}");
            await Task.Delay(100, _ct);
        }
    }
}
