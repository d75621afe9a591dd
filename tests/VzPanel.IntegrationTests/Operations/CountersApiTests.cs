using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>
/// Beancounter-style counters read from the real sim agents: one server's (<c>GET /api/v1/instances/{id}/counters</c>,
/// for whoever may see it) and a node's running servers' (<c>GET /api/v1/nodes/{id}/counters</c>, staff only).
/// </summary>
[Collection(nameof(OperationsFleetCollection))]
public sealed class CountersApiTests(OperationsFleet fleet)
{
    private const long PagesPerMiB = 256;   // 4 KiB pages
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task InstanceCounters_OfARunningServer_ComeFromItsNode_ForItsOwnerAndSupport_AndAreNotFoundForOthers()
    {
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        await using var support = await fleet.SignInAsync(FleetTenants.Support);
        await using var stranger = await fleet.SignInAsync(FleetTenants.GlobexOwner);
        var id = await CreatedAsync(owner, new { name = "ops-counters-1", kind = "Ct", template = FleetTenants.CtTemplate, memory = "256M", vCpus = 2 });
        try
        {
            var mine = await OkAsync(await owner.Http.GetAsync($"/api/v1/instances/{id}/counters", _ct));
            var byName = await OkAsync(await owner.Http.GetAsync("/api/v1/instances/ops-counters-1/counters", _ct));
            var bySupport = await OkAsync(await support.Http.GetAsync($"/api/v1/instances/{id}/counters", _ct));
            var hidden = await (await stranger.Http.GetAsync($"/api/v1/instances/{id}/counters", _ct)).ProblemAsync();

            (mine.GetProperty("instanceId").GetGuid(), mine.GetProperty("name").GetString(), mine.GetProperty("state").GetString())
                .ShouldBe((id, "ops-counters-1", "Running"));
            mine.GetProperty("unavailable").ValueKind.ShouldBe(JsonValueKind.Null);
            mine.GetProperty("oomKills").GetInt64().ShouldBe(0);
            var phys = Row(mine, "physpages");
            phys.GetProperty("unit").GetString().ShouldBe("pages");
            phys.GetProperty("limit").GetInt64().ShouldBe(256 * PagesPerMiB);   // the server's memory
            phys.GetProperty("limitMiB").GetDouble().ShouldBe(256);
            phys.GetProperty("held").GetInt64().ShouldBeGreaterThan(0);
            phys.GetProperty("heldMiB").GetDouble().ShouldBe(phys.GetProperty("held").GetInt64() / (double)PagesPerMiB);
            phys.GetProperty("failCount").GetInt64().ShouldBe(0);
            phys.GetProperty("description").GetString()!.ShouldStartWith("RAM in use");
            var numproc = Row(mine, "numproc");
            (numproc.GetProperty("unit").GetString(), numproc.GetProperty("held").GetInt64(), numproc.GetProperty("isUnlimited").GetBoolean())
                .ShouldBe(("count", 16L, true));   // the sim runs 12 + 2 per vCPU
            numproc.GetProperty("heldMiB").ValueKind.ShouldBe(JsonValueKind.Null);
            Row(byName, "physpages").GetProperty("limit").GetInt64().ShouldBe(256 * PagesPerMiB);
            Row(bySupport, "physpages").GetProperty("limit").GetInt64().ShouldBe(256 * PagesPerMiB);   // read-only, not blind
            (hidden.Status, hidden.Code, hidden.Detail).ShouldBe((HttpStatusCode.NotFound, "not_found", $"Instance '{id}' was not found."));
        }
        finally
        {
            await RemoveAsync(id);
        }
    }

    [Fact]
    public async Task InstanceCounters_OfAStoppedServer_AreAskedFor_AndHoldNothing()
    {
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        var id = await CreatedAsync(owner, new { name = "ops-counters-stopped", kind = "Ct", template = FleetTenants.CtTemplate, memory = "512M", start = false });
        try
        {
            var counters = await OkAsync(await owner.Http.GetAsync($"/api/v1/instances/{id}/counters", _ct));

            counters.GetProperty("state").GetString().ShouldBe("Stopped");
            var phys = Row(counters, "physpages");
            (phys.GetProperty("held").GetInt64(), phys.GetProperty("limit").GetInt64()).ShouldBe((0L, 512 * PagesPerMiB));
            Row(counters, "numproc").GetProperty("held").GetInt64().ShouldBe(0);
        }
        finally
        {
            await RemoveAsync(id);
        }
    }

    [Fact]
    public async Task NodeCounters_ForSupport_ShowTheRunningServers_AndWhyNotForOneTheNodeDoesNotHave()
    {
        await using var admin = await fleet.AdminAsync();
        await using var support = await fleet.SignInAsync(FleetTenants.Support);
        var running = await CreatedAsync(admin, OnBig("ops-counters-run", "384M", start: true));
        var stopped = await CreatedAsync(admin, OnBig("ops-counters-off", "256M", start: false));
        var phantom = await PhantomOnBigAsync("ops-counters-phantom");
        try
        {
            var node = await OkAsync(await support.Http.GetAsync($"/api/v1/nodes/{fleet.Big.Id}/counters", _ct));

            (node.GetProperty("nodeId").GetGuid(), node.GetProperty("nodeName").GetString(), node.GetProperty("notShown").GetInt32())
                .ShouldBe((fleet.Big.Id, "ops-big", 0));
            var instances = node.GetProperty("instances").EnumerateArray().ToDictionary(i => i.GetProperty("instanceId").GetGuid());
            instances.Keys.ShouldContain(running);
            instances.Keys.ShouldNotContain(stopped);   // only running servers are read
            Row(instances[running], "physpages").GetProperty("limit").GetInt64().ShouldBe(384 * PagesPerMiB);
            instances[running].GetProperty("unavailable").ValueKind.ShouldBe(JsonValueKind.Null);
            instances[phantom].GetProperty("counters").GetArrayLength().ShouldBe(0);
            instances[phantom].GetProperty("unavailable").GetString()
                .ShouldBe("Node ops-big does not have ops-counters-phantom; the node page lists how it disagrees with the inventory.");
            var names = node.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToList();
            names.ShouldBe([.. names.Order(StringComparer.Ordinal)]);   // by name
        }
        finally
        {
            await using (var db = fleet.Database.CreateContext())
                await db.Instances.Where(i => i.Id == phantom).ExecuteDeleteAsync(_ct);
            await RemoveAsync(running);
            await RemoveAsync(stopped);
        }
    }

    [Fact]
    public async Task NodeCounters_ForACustomer_AreForbidden_AndAnUnknownNodeIsNotFound()
    {
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        await using var admin = await fleet.AdminAsync();

        var forbidden = await owner.Http.GetAsync($"/api/v1/nodes/{fleet.Big.Id}/counters", _ct);
        var unknown = await (await admin.Http.GetAsync($"/api/v1/nodes/{Guid.NewGuid()}/counters", _ct)).ProblemAsync();

        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (unknown.Status, unknown.Code).ShouldBe((HttpStatusCode.NotFound, "not_found"));
    }

    private object OnBig(string name, string memory, bool start) => new
    {
        name, kind = "Ct", template = FleetTenants.CtTemplate, memory, start, tenantId = fleet.Tenants.Globex.Id, nodeId = fleet.Big.Id,
    };

    /// <summary>A server the inventory has running on ops-big that was never made there.</summary>
    private async Task<Guid> PhantomOnBigAsync(string name)
    {
        await using var db = fleet.Database.CreateContext();
        var big = await db.Nodes.SingleAsync(n => n.Id == fleet.Big.Id, _ct);
        return (await fleet.Database.InstanceAsync(fleet.Tenants.Acme, big, name, memoryMiB: 128)).Id;
    }

    /// <summary>Creates a server and waits until its operation succeeded; returns its id.</summary>
    private static async Task<Guid> CreatedAsync(PanelSession session, object request)
    {
        var created = await (await session.CreateAsync(request)).AcceptedAsync();
        await session.SucceededAsync(created.OperationId);
        return created.InstanceId;
    }

    private async Task RemoveAsync(Guid id)
    {
        await using var admin = await fleet.AdminAsync();
        await admin.RemoveAsync(id);
    }

    private static JsonElement Row(JsonElement counters, string resource) =>
        counters.GetProperty("counters").EnumerateArray().Single(c => c.GetProperty("resource").GetString() == resource);

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }
}
