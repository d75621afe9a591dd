using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>Who may change which server through the REST API, and what the create form offers each kind of account.</summary>
[Collection(nameof(OperationsFleetCollection))]
public sealed class ChangeAccessTests(OperationsFleet fleet)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Changes_BySupportOrAnotherCustomer_AreForbiddenOrNotFound()
    {
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        await using var support = await fleet.SignInAsync(FleetTenants.Support);
        await using var stranger = await fleet.SignInAsync(FleetTenants.GlobexOwner);
        var created = await (await owner.CreateAsync(new { name = "ops-adm-private", kind = "Ct", template = FleetTenants.CtTemplate, memory = "256M", start = false }))
            .AcceptedAsync();
        await owner.SucceededAsync(created.OperationId);
        var id = created.InstanceId;
        try
        {
            var bySupport = new[]
            {
                await support.CreateAsync(new { name = "ops-adm-support", kind = "Ct", template = FleetTenants.CtTemplate, memory = "256M", tenantId = fleet.Tenants.Acme.Id }),
                await support.SetMemoryAsync(id.ToString(), "512M"),
                await support.PowerAsync(id, "start"),
                await support.DeleteAsync("ops-adm-private"),
            };
            var byStranger = new (string Reference, HttpResponseMessage Response)[]
            {
                (id.ToString(), await stranger.Http.GetAsync($"/api/v1/instances/{id}", _ct)),
                ("ops-adm-private", await stranger.Http.GetAsync("/api/v1/instances/ops-adm-private", _ct)),
                ("ops-adm-private", await stranger.SetMemoryAsync("ops-adm-private", "512M")),
                (id.ToString(), await stranger.PowerAsync(id, "start")),
                (id.ToString(), await stranger.SetVCpusAsync(id, 2)),
                (id.ToString(), await stranger.DeleteAsync(id.ToString())),
            };
            var ownerPicksNode = await owner.CreateAsync(new
            {
                name = "ops-adm-picky", kind = "Ct", template = FleetTenants.CtTemplate, memory = "256M", nodeId = fleet.Small.Id,
            });
            using var anonymous = fleet.Panel.CreateClient();
            var signedOut = await anonymous.PutAsJsonAsync($"/api/v1/instances/{id}/memory", new { memory = "512M" }, _ct);

            bySupport.Select(r => r.StatusCode).ShouldAllBe(s => s == HttpStatusCode.Forbidden);
            (await support.Http.GetAsync($"/api/v1/instances/{id}", _ct)).StatusCode.ShouldBe(HttpStatusCode.OK);   // read-only, not blind
            foreach (var (reference, response) in byStranger)
            {
                var problem = await response.ProblemAsync();
                // Exactly what a server that does not exist gets: nothing tells the other customer it is there.
                (problem.Status, problem.Code, problem.Detail).ShouldBe((HttpStatusCode.NotFound, "not_found", $"Instance '{reference}' was not found."));
            }
            var picky = await ownerPicksNode.ProblemAsync();
            (picky.Status, picky.Detail).ShouldBe((HttpStatusCode.Forbidden, "Only administrators choose the node; leave it empty and the panel places the server."));
            signedOut.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            await using var db = fleet.Database.CreateContext();
            (await db.Operations.CountAsync(o => o.TargetId == id, _ct)).ShouldBe(1);   // only its creation
            (await db.Instances.SingleAsync(i => i.Id == id, _ct)).MemoryMiB.ShouldBe(256);
            (await db.Instances.AnyAsync(i => i.Name == "ops-adm-support" || i.Name == "ops-adm-picky", _ct)).ShouldBeFalse();
        }
        finally
        {
            await using var admin = await fleet.AdminAsync();
            await admin.RemoveAsync(id);
        }
    }

    [Fact]
    public async Task CreateOptions_ShowCustomersTheirPlanAndAdminsTheNodes()
    {
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        await using var admin = await fleet.AdminAsync();

        var mine = await owner.Http.GetFromJsonAsync<JsonElement>("/api/v1/instances/create-options", _ct);
        var staff = await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/instances/create-options", _ct);

        mine.GetProperty("templates").EnumerateArray().Select(t => $"{t.GetProperty("name").GetString()}:{t.GetProperty("kind").GetString()}")
            .ShouldBe(["debian-12-x86_64:Ct", "debian-12-cloud:Vm"]);
        (mine.GetProperty("memoryMinMiB").GetInt64(), mine.GetProperty("memoryMaxMiB").GetInt64(), mine.GetProperty("vCpuMax").GetInt32())
            .ShouldBe((128L, 6144L, 4));
        mine.GetProperty("nodes").GetArrayLength().ShouldBe(0);
        mine.GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ShouldBe(["acme"]);
        staff.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString()).ShouldBe(["ops-big", "ops-small"]);
        staff.GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ShouldBe(["acme", "globex"]);
    }
}
