using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>
/// The migration dry run over the real inventory and the two sim nodes: where a running server would go, live or
/// not, with what transfer and which checks; staff may ask, customers may not; nothing changes by asking.
/// </summary>
[Collection(nameof(OperationsFleetCollection))]
public sealed class MigrationDryRunApiTests(OperationsFleet fleet)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task DryRun_OfARunningServer_NamesTargetModeTransferAndChecks_ForStaffOnly_AndChangesNothing()
    {
        await using var admin = await fleet.AdminAsync();
        await using var support = await fleet.SignInAsync(FleetTenants.Support);
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        var created = await (await owner.CreateAsync(new { name = "ops-migrate-1", kind = "Ct", template = FleetTenants.CtTemplate, memory = "512M", memoryGuaranteePercent = 50 }))
            .AcceptedAsync();
        await owner.SucceededAsync(created.OperationId);
        var id = created.InstanceId;
        try
        {
            var source = await NodeOfAsync(id);
            var other = fleet.Nodes.Single(n => n.Id != source);

            var chosen = await OkAsync(await support.Http.PostAsJsonAsync($"/api/v1/instances/{id}/migrations/dry-run", new { }, _ct));
            (chosen.GetProperty("targetNodeId").GetGuid(), chosen.GetProperty("targetNode").GetString()).ShouldBe((other.Id, other.Name));
            chosen.GetProperty("mode").GetString().ShouldBe("Live");
            chosen.GetProperty("canMigrate").GetBoolean().ShouldBeTrue(chosen.GetProperty("blockers").ToString());
            chosen.GetProperty("expectedTransferMiB").GetInt64().ShouldBeGreaterThanOrEqualTo(512);
            chosen.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString())
                .ShouldBe(["state", "busy", "target", "engine", "node-state", "size", "capacity", "template", "accelerator", "network"]);

            var toItself = await OkAsync(await admin.Http.PostAsJsonAsync("/api/v1/instances/ops-migrate-1/migrations/dry-run", new { targetNodeId = source }, _ct));
            toItself.GetProperty("canMigrate").GetBoolean().ShouldBeFalse();
            toItself.GetProperty("blockers").EnumerateArray().Select(b => b.GetString())
                .ShouldBe([$"ops-migrate-1 already runs on {fleet.Node(source).Name}"]);

            var unknown = await (await admin.Http.PostAsJsonAsync($"/api/v1/instances/{id}/migrations/dry-run", new { targetNodeId = Guid.NewGuid() }, _ct)).ProblemAsync();
            unknown.Status.ShouldBe(HttpStatusCode.NotFound);
            (await owner.Http.PostAsJsonAsync($"/api/v1/instances/{id}/migrations/dry-run", new { }, _ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await NodeOfAsync(id)).ShouldBe(source, "a dry run moves nothing");
        }
        finally
        {
            await admin.RemoveAsync(id);
        }
    }

    private async Task<Guid> NodeOfAsync(Guid id)
    {
        await using var db = fleet.Database.CreateContext();
        return await db.Instances.Where(i => i.Id == id).Select(i => i.NodeId).SingleAsync(_ct);
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }
}
