using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Nodes;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;
using VzPanel.IntegrationTests.Operations;

namespace VzPanel.IntegrationTests.Migration;

/// <summary>
/// Draining a sim node of 50 servers onto the others through the REST API: one bulk operation, one migration each. The
/// servers hold 12.5 GiB of guarantees and the other nodes can hold 15 GiB, so they must spread out within the limits.
/// </summary>
[Collection(nameof(MigrationFleetCollection))]
public sealed class DrainApiTests(MigrationFleet fleet)
{
    private const int Servers = 50;

    [Fact]
    public async Task Drain_MovesEveryServerAway_WithinEveryTargetsGuarantees_AndLocksTheNodeUntilMaintenanceEnds()
    {
        await using var admin = await fleet.AdminAsync();
        var drained = await fleet.EnrollAsync(admin.Http, "mig-drain", "16G", []);
        await using var _ = drained.Agent;
        await admin.OnlineAsync(drained.Id, DateTimeOffset.MinValue);
        var servers = new List<Guid>();
        foreach (var chunk in Enumerable.Range(0, Servers).Chunk(10))
            servers.AddRange(await Task.WhenAll(chunk.Select(i => fleet.RunningServerAsync(admin, $"drain-{i:00}", drained, memory: "256M", guarantee: 100))));
        await using var support = await PanelSession.SignInAsync(fleet.Panel, FleetTenants.Support, TestUsers.Password);
        (await support.Http.PostAsync($"/api/v1/nodes/{drained.Id}/drain", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var accepted = await (await admin.Http.PostAsync($"/api/v1/nodes/{drained.Id}/drain", null)).AcceptedAsync();
        var refused = await (await admin.CreateAsync(new
        {
            name = "drain-late", kind = "Ct", template = FleetTenants.CtTemplate, memory = "256M", tenantId = fleet.Tenants.Acme.Id, nodeId = drained.Id,
        })).ProblemAsync();
        refused.Detail.ShouldNotBeNull().ShouldContain("in maintenance");
        var drain = await admin.SucceededAsync(accepted.OperationId, TimeSpan.FromMinutes(4));
        drain.GetProperty("summary").GetString().ShouldBe($"Drain mig-drain: move its {Servers} servers to other nodes");

        await using (var db = fleet.Database.CreateContext())
        {
            (await db.Instances.AsNoTracking().CountAsync(i => i.NodeId == drained.Id)).ShouldBe(0);
            (await db.Nodes.AsNoTracking().SingleAsync(n => n.Id == drained.Id)).State.ShouldBe(NodeState.Maintenance);
            var migrations = await db.Operations.AsNoTracking()
                .Where(o => o.Kind == Core.Features.Operations.OperationKind.Migrate && servers.Contains(o.TargetId!.Value)).ToListAsync();
            migrations.Count.ShouldBe(Servers);
            migrations.ShouldAllBe(o => o.State == Core.Features.Operations.OperationState.Succeeded);
            foreach (var load in await NodeLoad.ForNodesAsync(db, [fleet.A.Id, fleet.B.Id, fleet.Small.Id], CancellationToken.None))
                load.GuaranteedMiB.ShouldBeLessThanOrEqualTo(load.Node.RamMiB - load.Node.HostReserveMiB, load.Node.Name);
        }
        (await fleet.Agents.ListInstancesAsync(drained.Id, drained.Address)).ShouldBeEmpty();

        var reopened = await admin.Http.DeleteAsync($"/api/v1/nodes/{drained.Id}/maintenance");
        reopened.StatusCode.ShouldBe(HttpStatusCode.OK, await reopened.Content.ReadAsStringAsync());
        (await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/nodes/{drained.Id}")).GetProperty("node").GetProperty("state").GetString().ShouldBe("Online");

        foreach (var chunk in servers.Chunk(10))
            await Task.WhenAll(chunk.Select(admin.RemoveAsync));
    }
}
