using Microsoft.EntityFrameworkCore;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Operations;

namespace VzPanel.IntegrationTests.Migration;

/// <summary>
/// Kills the panel, the source agent or the target agent in a step of a migration (the sim holds a step with
/// <c>--sim-hang</c> where the kill must land in it) and brings it back: the operation resumes or rolls back with its
/// reason, the server ends on exactly one node, and the inventory says which.
/// </summary>
[Collection(nameof(MigrationFleetCollection))]
public sealed class MigrationFaultTests(MigrationFleet fleet)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task TargetAgentKilledWhilePreparing_AndBack_TheMigrationGoesOn()
    {
        await using var admin = await fleet.AdminAsync();
        var server = await fleet.RunningServerAsync(admin, "mig-prepare-dies", fleet.A);
        var operationId = await MigrateAndKillAsync(admin, server, held: fleet.B, "migrate-prepare", "Preparing ", fleet.B.Agent.KillAsync);

        (await admin.SucceededAsync(operationId, Within)).GetProperty("migration").GetProperty("phase").GetString().ShouldBe("Done");
        await EndsOnAsync(admin, server, fleet.B, fleet.A);
        await admin.RemoveAsync(server);
    }

    [Fact]
    public async Task TargetAgentKilledDuringTheTransfer_RollsBack_TheServerRunsOnTheSource()
    {
        await using var admin = await fleet.AdminAsync();
        var server = await fleet.RunningServerAsync(admin, "mig-target-dies", fleet.A);
        var accepted = await (await MigrationFleet.MigrateAsync(admin, server, new { targetNodeId = fleet.B.Id })).AcceptedAsync();
        await MigrationFleet.AtStepAsync(admin, accepted.OperationId, "Copying ");

        await fleet.B.Agent.KillAsync();
        try
        {
            var operation = await admin.FinishedAsync(accepted.OperationId, Within);
            operation.GetProperty("state").GetString().ShouldBe("Failed", operation.ToString());
            operation.GetProperty("error").GetString()!.ShouldStartWith("Migration rolled back: ");
            operation.GetProperty("error").GetString()!.ShouldContain("It is running on mig-a");
            operation.GetProperty("migration").GetProperty("phase").GetString().ShouldBe("RolledBack");
        }
        finally
        {
            await MigrationFleet.RestartAsync(fleet.B);
        }
        await EndsOnAsync(admin, server, fleet.A, fleet.B);
        await admin.RemoveAsync(server);
    }

    [Fact]
    public async Task SourceAgentKilledDuringTheTransferAndBack_TheMigrationResumesAndFinishes()
    {
        await using var admin = await fleet.AdminAsync();
        var server = await fleet.RunningServerAsync(admin, "mig-source-dies", fleet.A);
        var accepted = await (await MigrationFleet.MigrateAsync(admin, server, new { targetNodeId = fleet.B.Id })).AcceptedAsync();
        await MigrationFleet.AtStepAsync(admin, accepted.OperationId, "Copying ");

        await fleet.A.Agent.KillAsync();
        await MigrationFleet.RestartAsync(fleet.A);

        var operation = await admin.SucceededAsync(accepted.OperationId, Within);
        operation.GetProperty("migration").GetProperty("phase").GetString().ShouldBe("Done");
        await EndsOnAsync(admin, server, fleet.B, fleet.A);
        await admin.RemoveAsync(server);
    }

    [Fact]
    public async Task PanelKilledDuringTheTransfer_TheRestartedPanelTakesTheJobOver_AndFinishesIt()
    {
        await using var admin = await fleet.AdminAsync();
        var server = await fleet.RunningServerAsync(admin, "mig-panel-dies", fleet.A);
        // 100 MiB/s: about 10 s of transfer, which goes on between the agents while no panel watches.
        var accepted = await (await MigrationFleet.MigrateAsync(admin, server, new { targetNodeId = fleet.B.Id, bandwidthMibPerSecond = 100 })).AcceptedAsync();
        await MigrationFleet.AtStepAsync(admin, accepted.OperationId, "Copying ");

        await fleet.CrashAndRestartPanelAsync();

        // The same session: the sign-in cookie outlives the panel, its keys are in the data directory.
        var run = (await admin.SucceededAsync(accepted.OperationId, Within + TimeSpan.FromSeconds(MigrationFleet.CrashRecoverySeconds))).GetProperty("migration");
        run.GetProperty("phase").GetString().ShouldBe("Done");
        run.GetProperty("downtimeMs").GetInt64().ShouldBeGreaterThan(0, "the transfer's own measurement, journaled by the source, reaches the new run");
        await EndsOnAsync(admin, server, fleet.B, fleet.A);
        await using (var db = fleet.Database.CreateContext())
        {
            (await db.Operations.AsNoTracking().SingleAsync(o => o.Id == accepted.OperationId)).Attempts
                .ShouldBeGreaterThanOrEqualTo(2, "the killed panel's run, then the new panel's");
            (await db.AuditEvents.AsNoTracking().CountAsync(e => e.Action == "instance.migrated" && e.TargetId == server.ToString())).ShouldBe(1);
        }
        await admin.RemoveAsync(server);
    }

    [Fact]
    public async Task PanelAndTargetKilledWhileItStartsTheServer_BothBack_TheMigrationFinishes()
    {
        await using var admin = await fleet.AdminAsync();
        var server = await fleet.RunningServerAsync(admin, "mig-complete-dies", fleet.A);
        var operationId = await MigrateAndKillAsync(admin, server, held: fleet.B, "migrate-complete", "Starting ",
            () => fleet.CrashAndRestartPanelAsync(whileDown: fleet.B.Agent.KillAsync));

        (await admin.SucceededAsync(operationId, Within + TimeSpan.FromSeconds(MigrationFleet.CrashRecoverySeconds)))
            .GetProperty("migration").GetProperty("phase").GetString().ShouldBe("Done");
        await EndsOnAsync(admin, server, fleet.B, fleet.A);
        await admin.RemoveAsync(server);
    }

    [Fact]
    public async Task SourceAgentKilledWhileCleaningUp_AndBack_TheStoppedCopyIsRemoved()
    {
        await using var admin = await fleet.AdminAsync();
        var server = await fleet.RunningServerAsync(admin, "mig-cleanup-dies", fleet.A);
        var operationId = await MigrateAndKillAsync(admin, server, held: fleet.A, "delete", "Removing the stopped copy", async () =>
        {
            // Switched over already: the inventory names the target while the source still holds its stopped copy.
            (await MigrationFleet.NodeOfAsync(admin, server)).ShouldBe("mig-b");
            await fleet.A.Agent.KillAsync();
        });

        var run = (await admin.SucceededAsync(operationId, Within)).GetProperty("migration");
        run.GetProperty("phase").GetString().ShouldBe("Done");
        (run.TryGetProperty("note", out var note) ? note.GetString() : null).ShouldBeNull("no copy is left behind on the source");
        await EndsOnAsync(admin, server, fleet.B, fleet.A);
        await admin.RemoveAsync(server);
    }

    /// <summary>
    /// Runs <paramref name="held"/>'s agent holding the sim operation <paramref name="hang"/>, migrates the server from mig-a to
    /// mig-b, waits for the step that starts with <paramref name="step"/> and runs <paramref name="kill"/>; the held agent always
    /// comes back without the hang.
    /// </summary>
    private async Task<Guid> MigrateAndKillAsync(PanelSession admin, Guid server, FleetNode held, string hang, string step, Func<Task> kill)
    {
        await MigrationFleet.RestartAsync(held, "--sim-hang", hang);
        try
        {
            var operationId = (await (await MigrationFleet.MigrateAsync(admin, server, new { targetNodeId = fleet.B.Id })).AcceptedAsync()).OperationId;
            await MigrationFleet.AtStepAsync(admin, operationId, step);
            await kill();
            return operationId;
        }
        finally
        {
            await MigrationFleet.RestartAsync(held);
        }
    }

    /// <summary>The server runs on <paramref name="on"/> only, the inventory places it there, and neither node reports drift.</summary>
    private async Task EndsOnAsync(PanelSession admin, Guid server, FleetNode on, FleetNode off)
    {
        (await MigrationFleet.NodeOfAsync(admin, server)).ShouldBe(on.Name);
        (await fleet.Agents.ListInstancesAsync(on.Id, on.Address)).Single(i => i.Id == server.ToString()).State.ToString().ShouldBe("Running");
        (await fleet.Agents.ListInstancesAsync(off.Id, off.Address)).ShouldNotContain(i => i.Id == server.ToString());
        await admin.NoDriftAsync(on.Id);
        await admin.NoDriftAsync(off.Id);
    }
}
