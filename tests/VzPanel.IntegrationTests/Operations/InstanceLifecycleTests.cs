using VzPanel.Core.Features.Instances.Operations;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>
/// Every server operation end to end: REST API → Hangfire job → the real agent → inventory, followed live on the
/// events hub. After each step the operation, the inventory row and the node's own report must agree.
/// </summary>
[Collection(nameof(OperationsFleetCollection))]
public sealed class InstanceLifecycleTests(OperationsFleet fleet)
{
    [Fact]
    public async Task Container_EveryOperation_SucceedsOnTheNodeInTheInventoryAndOnTheHub()
    {
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        await using var admin = await fleet.AdminAsync();
        await using var stranger = await fleet.SignInAsync(FleetTenants.GlobexOwner);
        var ownerHub = await owner.ListenAsync();
        var staffHub = await admin.ListenAsync();
        var strangerHub = await stranger.ListenAsync();
        var steps = new Steps(fleet, owner, ownerHub, staffHub);

        var id = await steps.ExpectAsync(owner.CreateAsync(new
            {
                name = "ops-life-ct", kind = "Ct", template = FleetTenants.CtTemplate, memory = "1G", memoryGuaranteePercent = 25, vCpus = 1,
                hostname = "life.example",
            }),
            InstanceState.Running, 1024, 25, 1, "Creating CT from debian-12-x86_64 on ops-");
        await steps.ExpectAsync(owner.PowerAsync(id, "stop"), InstanceState.Stopped, 1024, 25, 1, "Shutting down (powered off after");
        await steps.ExpectAsync(owner.PowerAsync(id, "start"), InstanceState.Running, 1024, 25, 1, "Starting on ops-");
        await steps.ExpectAsync(owner.PowerAsync(id, "stop?force=true"), InstanceState.Stopped, 1024, 25, 1, "Powering off");
        await steps.ExpectAsync(owner.PowerAsync(id, "start"), InstanceState.Running, 1024, 25, 1);
        await steps.ExpectAsync(owner.PowerAsync(id, "restart"), InstanceState.Running, 1024, 25, 1, "Restarting");
        await steps.ExpectAsync(owner.SetMemoryAsync("ops-life-ct", "2G"), InstanceState.Running, 2048, 25, 1, "Setting memory to 2048 MiB live");
        await steps.ExpectAsync(owner.SetMemoryAsync(id.ToString(), "768M"), InstanceState.Running, 768, 25, 1, "Setting memory to 768 MiB live");
        await steps.ExpectAsync(owner.SetGuaranteeAsync(id, 50), InstanceState.Running, 768, 50, 1, "Setting the memory guarantee to 50%");
        await steps.ExpectAsync(owner.SetVCpusAsync(id, 2), InstanceState.Running, 768, 50, 2, "Setting vCPUs to 2");
        await steps.ExpectAsync(owner.PowerAsync(id, "stop?force=true"), InstanceState.Stopped, 768, 50, 2);
        var nodeId = await steps.NodeOfAsync(id);
        await steps.ExpectDeletedAsync(owner.DeleteAsync("ops-life-ct"), id, nodeId);

        // The other customer's live connection works (its own server's events arrive) but carried nothing of acme's.
        var theirs = await stranger.CreateAsync(new { name = "ops-life-globex", kind = "Ct", template = FleetTenants.CtTemplate, memory = "256M", start = false });
        var theirOperation = (await theirs.AcceptedAsync()).OperationId;
        await stranger.SucceededAsync(theirOperation);
        await strangerHub.FinishedAsync(theirOperation);
        await stranger.SucceededAsync((await (await stranger.DeleteAsync("ops-life-globex")).AcceptedAsync()).OperationId);
        strangerHub.Operations.ShouldAllBe(e => e.TenantId == fleet.Tenants.Globex.Id);
        strangerHub.Instances.ShouldAllBe(e => e.TenantId == fleet.Tenants.Globex.Id);
        strangerHub.Nodes.ShouldBeEmpty();
        ownerHub.Operations.ShouldAllBe(e => e.TenantId == fleet.Tenants.Acme.Id);
        ownerHub.Nodes.ShouldBeEmpty();
        staffHub.Operations.Select(e => e.TenantId).Distinct().ShouldBe([fleet.Tenants.Acme.Id, fleet.Tenants.Globex.Id], ignoreOrder: true);
        staffHub.Nodes.ShouldNotBeEmpty();   // heartbeats, for staff only
        staffHub.Raw.ShouldAllBe(e => e.GetProperty("state").ValueKind == JsonValueKind.String);   // enums as words, as in the REST API
        // The nodes' own heartbeats agree with the inventory too.
        foreach (var node in fleet.Nodes) await admin.NoDriftAsync(node.Id);
    }

    [Fact]
    public async Task VirtualMachine_CreatedByAdminForACustomer_ResizesAndIsDeletedWhileRunning()
    {
        await using var admin = await fleet.AdminAsync();
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        var staffHub = await admin.ListenAsync();
        var ownerHub = await owner.ListenAsync();
        var steps = new Steps(fleet, admin, staffHub, ownerHub);

        var id = await steps.ExpectAsync(admin.CreateAsync(new
            {
                name = "ops-life-vm", kind = "Vm", template = FleetTenants.VmTemplate, memory = "2G", memoryGuaranteePercent = 50, vCpus = 2,
                tenantId = fleet.Tenants.Acme.Id, rootPassword = "Secret-root-pass-1",
            }),
            InstanceState.Running, 2048, 50, 2, "Creating VM from debian-12-cloud on ops-");
        await steps.ExpectAsync(admin.SetMemoryAsync("ops-life-vm", "1G"), InstanceState.Running, 1024, 50, 2);
        await steps.ExpectAsync(admin.SetVCpusAsync(id, 1), InstanceState.Running, 1024, 50, 1);
        // Deleted while running: the job powers it off first.
        await steps.ExpectDeletedAsync(admin.DeleteAsync(id.ToString()), id, await steps.NodeOfAsync(id));

        await using var db = fleet.Database.CreateContext();
        var create = await db.Operations.AsNoTracking().SingleAsync(o => o.TargetId == id && o.Kind == OperationKind.Create, TestContext.Current.CancellationToken);
        create.Parameters.ShouldBeOfType<CreateParameters>().ProtectedRootPassword.ShouldBeNull();   // the job used it and erased it
    }

    /// <summary>Runs one step and checks the operation, the inventory, the node and the hubs agree on its outcome.</summary>
    private sealed class Steps(OperationsFleet fleet, PanelSession session, params HubEventLog[] hubs)
    {
        public async Task<Guid> ExpectAsync(Task<HttpResponseMessage> request, InstanceState state, long memoryMiB, int guarantee, int vcpus,
            string? step = null)
        {
            var instanceEventsBefore = hubs.Select(h => h.Instances.Count).ToArray();
            var accepted = await (await request).AcceptedAsync();

            await session.SucceededAsync(accepted.OperationId);

            foreach (var hub in hubs) ShouldProgressToSuccess(await hub.FinishedAsync(accepted.OperationId), step);
            await using var db = fleet.Database.CreateContext();
            var row = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == accepted.InstanceId);
            (row.State, row.MemoryMiB, row.MemoryGuaranteePercent, row.VCpus).ShouldBe((state, memoryMiB, guarantee, vcpus));
            var node = fleet.Node(row.NodeId);
            var reported = (await fleet.Agents.ListInstancesAsync(node.Id, node.Address)).Single(i => i.Id == row.Id.ToString());
            (reported.State.ToString(), reported.MemoryMib, reported.MemoryGuaranteePercent, reported.Vcpus).ShouldBe((state.ToString(), memoryMiB, guarantee, vcpus));
            for (var h = 0; h < hubs.Length; h++)
            {
                var seen = instanceEventsBefore[h];
                var hub = hubs[h];
                await hub.WaitAsync(() => hub.Instances.Skip(seen).LastOrDefault(e => e.InstanceId == row.Id) is { } last && last.State == state ? last : null,
                    TimeSpan.FromSeconds(10), $"instanceChanged {row.Name} {state}");
            }
            return row.Id;
        }

        public async Task ExpectDeletedAsync(Task<HttpResponseMessage> request, Guid id, Guid nodeId)
        {
            var accepted = await (await request).AcceptedAsync();

            await session.SucceededAsync(accepted.OperationId);

            foreach (var hub in hubs)
            {
                ShouldProgressToSuccess(await hub.FinishedAsync(accepted.OperationId), "Deleting from ops-");
                await hub.WaitAsync(() => hub.Instances.LastOrDefault(e => e.InstanceId == id && e.Deleted), TimeSpan.FromSeconds(10), "instanceChanged deleted");
            }
            await using var db = fleet.Database.CreateContext();
            (await db.Instances.AnyAsync(i => i.Id == id)).ShouldBeFalse();
            var node = fleet.Node(nodeId);
            (await fleet.Agents.ListInstancesAsync(node.Id, node.Address)).ShouldNotContain(i => i.Id == id.ToString());
        }

        public async Task<Guid> NodeOfAsync(Guid id)
        {
            await using var db = fleet.Database.CreateContext();
            return await db.Instances.Where(i => i.Id == id).Select(i => i.NodeId).SingleAsync();
        }

        private static void ShouldProgressToSuccess(IReadOnlyList<OperationChanged> events, string? step)
        {
            var story = string.Join(" | ", events.Select(e => $"{e.State} {e.ProgressPercent}% {e.CurrentStep}"));
            events[0].State.ShouldBe(OperationState.Queued, story);
            events.Select(e => e.ProgressPercent).ShouldBeInOrder(SortDirection.Ascending, story);
            events.SkipLast(1).ShouldAllBe(e => e.State == OperationState.Queued || e.State == OperationState.Running, story);
            events.ShouldContain(e => e.State == OperationState.Running && e.ProgressPercent > 0 && e.ProgressPercent < 100, story);
            (events[^1].State, events[^1].ProgressPercent, events[^1].CurrentStep).ShouldBe((OperationState.Succeeded, 100, "Done"), story);
            if (step is not null) events.ShouldContain(e => e.CurrentStep != null && e.CurrentStep.StartsWith(step), story);
        }
    }
}
