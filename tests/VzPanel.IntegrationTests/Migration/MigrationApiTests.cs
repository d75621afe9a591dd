using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Operations;

namespace VzPanel.IntegrationTests.Migration;

/// <summary>
/// Migrations through the REST API between real sim agents: the whole state machine (prepare, transfer over the
/// agents' TLS channel, switch-over, clean-up), who may ask, and cancelling; <see cref="MigrationFaultTests"/> kills its parts.
/// </summary>
[Collection(nameof(MigrationFleetCollection))]
public sealed class MigrationApiTests(MigrationFleet fleet)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Live_MovesARunningServer_WithProgressAndMeasuredDowntime_AndLeavesOneCopy()
    {
        await using var admin = await fleet.AdminAsync();
        await using var hub = await admin.ListenAsync();
        var server = await fleet.RunningServerAsync(admin, "mig-live", fleet.A);

        var clock = Stopwatch.StartNew();
        var accepted = await (await MigrationFleet.MigrateAsync(admin, server, new { targetNodeId = fleet.B.Id, maxDowntimeMs = 200 })).AcceptedAsync();
        var operation = await admin.SucceededAsync(accepted.OperationId, Within);
        var total = clock.Elapsed;

        operation.GetProperty("summary").GetString().ShouldBe("Migrate mig-live from mig-a to mig-b (live)");
        var run = operation.GetProperty("migration");
        run.GetProperty("phase").GetString().ShouldBe("Done");
        run.GetProperty("maxDowntimeMs").GetInt32().ShouldBe(200);
        var downtime = run.GetProperty("downtimeMs").GetInt64();
        var transfer = run.GetProperty("transferMs").GetInt64();
        downtime.ShouldBeInRange(1, 2000);
        transfer.ShouldBeGreaterThan(downtime);
        run.GetProperty("transferredBytes").GetInt64().ShouldBeGreaterThan(0);
        run.GetProperty("totalMs").GetInt64().ShouldBeGreaterThanOrEqualTo(transfer);
        var story = (await hub.FinishedAsync(accepted.OperationId)).Select(e => e.CurrentStep).ToList();
        story.ShouldContain(s => s != null && s.StartsWith("Copying ", StringComparison.Ordinal), string.Join(" | ", story));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"sim live migration: {total.TotalMilliseconds:0} ms seen by the client, nodes' transfer {transfer} ms, downtime {downtime} ms");

        (await MigrationFleet.NodeOfAsync(admin, server)).ShouldBe("mig-b");
        (await fleet.Agents.ListInstancesAsync(fleet.B.Id, fleet.B.Address)).Single(i => i.Id == server.ToString()).State.ToString().ShouldBe("Running");
        (await fleet.Agents.ListInstancesAsync(fleet.A.Id, fleet.A.Address)).ShouldNotContain(i => i.Id == server.ToString());
        await admin.NoDriftAsync(fleet.A.Id);
        await admin.NoDriftAsync(fleet.B.Id);
        await using (var db = fleet.Database.CreateContext())
        {
            (await db.AuditEvents.AsNoTracking().CountAsync(e => e.Action == "instance.migrated" && e.TargetId == server.ToString())).ShouldBe(1);
            // The inventory records the disk where it is now: in the target's pool, one row.
            (await db.Volumes.AsNoTracking().Where(v => v.InstanceId == server).Select(v => v.Pool!.NodeId).SingleAsync(TestContext.Current.CancellationToken)).ShouldBe(fleet.B.Id);
        }
        await admin.RemoveAsync(server);
    }

    [Fact]
    public async Task Refusals_AreProblemsNamingTheReason_AndChangeNothing()
    {
        await using var admin = await fleet.AdminAsync();
        var server = await fleet.RunningServerAsync(admin, "mig-refused", fleet.A, memory: "4G");
        await using var owner = await PanelSession.SignInAsync(fleet.Panel, FleetTenants.AcmeOwner, TestUsers.Password);
        await using var support = await PanelSession.SignInAsync(fleet.Panel, FleetTenants.Support, TestUsers.Password);

        var customer = await (await MigrationFleet.MigrateAsync(owner, server, new { targetNodeId = fleet.B.Id })).ProblemAsync();
        customer.Status.ShouldBe(HttpStatusCode.Forbidden, customer.Body);
        (await (await MigrationFleet.MigrateAsync(support, server, new { targetNodeId = fleet.B.Id })).ProblemAsync()).Status.ShouldBe(HttpStatusCode.Forbidden);
        var tooSmall = await (await MigrationFleet.MigrateAsync(admin, server, new { targetNodeId = fleet.Small.Id })).ProblemAsync();
        (tooSmall.Status, tooSmall.Code).ShouldBe((HttpStatusCode.Conflict, "conflict"), tooSmall.Body);
        tooSmall.Detail.ShouldStartWith("mig-refused cannot move to mig-small: ");
        var badDowntime = await (await MigrationFleet.MigrateAsync(admin, server, new { targetNodeId = fleet.B.Id, maxDowntimeMs = 5 })).ProblemAsync();
        badDowntime.Status.ShouldBe(HttpStatusCode.BadRequest, badDowntime.Body);

        (await MigrationFleet.NodeOfAsync(admin, server)).ShouldBe("mig-a");
        await using (var db = fleet.Database.CreateContext())
            (await db.Operations.AsNoTracking().CountAsync(o => o.TargetId == server && o.Kind == Core.Features.Operations.OperationKind.Migrate)).ShouldBe(0);
        await admin.RemoveAsync(server);
    }

    [Fact]
    public async Task Cancel_WhileItTransfers_RollsBack_TheServerStaysOnTheSource_AndAFinishedOneCannotBeCancelled()
    {
        await using var admin = await fleet.AdminAsync();
        var server = await fleet.RunningServerAsync(admin, "mig-cancelled", fleet.A);
        // 100 MiB/s: about 13 s of transfer, time enough to cancel in the middle.
        var accepted = await (await MigrationFleet.MigrateAsync(admin, server, new { targetNodeId = fleet.B.Id, bandwidthMibPerSecond = 100 })).AcceptedAsync();
        await MigrationFleet.AtStepAsync(admin, accepted.OperationId, "Copying ");
        await using var support = await PanelSession.SignInAsync(fleet.Panel, FleetTenants.Support, TestUsers.Password);
        (await support.Http.PostAsync($"/api/v1/operations/{accepted.OperationId}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await admin.Http.PostAsync($"/api/v1/operations/{accepted.OperationId}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var operation = await admin.FinishedAsync(accepted.OperationId, Within);
        operation.GetProperty("state").GetString().ShouldBe("Failed", operation.ToString());
        operation.GetProperty("error").GetString()!.ShouldContain("the migration was cancelled");
        operation.GetProperty("error").GetString()!.ShouldContain("It is running on mig-a");
        (await MigrationFleet.NodeOfAsync(admin, server)).ShouldBe("mig-a");
        (await fleet.Agents.ListInstancesAsync(fleet.B.Id, fleet.B.Address)).ShouldNotContain(i => i.Id == server.ToString());
        var again = await (await admin.Http.PostAsync($"/api/v1/operations/{accepted.OperationId}/cancel", null)).ProblemAsync();
        again.Status.ShouldBe(HttpStatusCode.Conflict, again.Body);
        await admin.RemoveAsync(server);
    }
}
