using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>
/// Disks through the REST API, the jobs and the real sim agents: the size asked at create reaches the node and the inventory,
/// the node's volume is recorded, a disk grows (never shrinks), and only those who may change the server can grow it.
/// </summary>
[Collection(nameof(OperationsFleetCollection))]
public sealed class DiskApiTests(OperationsFleet fleet)
{
    private const long GiB = 1024L * 1024 * 1024;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Disk_CreatedAt20G_IsRecordedFromTheNode_GrowsTo30G_AndRefusesToShrink()
    {
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        await using var admin = await fleet.AdminAsync();
        var created = await (await owner.CreateAsync(new
            { name = "ops-disk-1", kind = "Vm", template = FleetTenants.VmTemplate, memory = "512M", disk = "20G", start = false })).AcceptedAsync();
        await owner.SucceededAsync(created.OperationId);
        var id = created.InstanceId;
        try
        {
            var details = await DetailsAsync(owner, id);
            details.GetProperty("diskGiB").GetInt64().ShouldBe(20);
            details.GetProperty("diskAllocatedMiB").GetInt64().ShouldBe(1024);   // the sim's thin overlay holds a GiB of template
            var volume = await VolumeOfAsync(id);
            (volume.SizeBytes, volume.AllocationBytes, volume.Format, volume.Name).ShouldBe((20 * GiB, 1 * GiB, Core.Features.Storage.VolumeFormat.Qcow2, $"{id}.qcow2"));
            volume.Pool!.Name.ShouldBe("default");

            var grow = await (await owner.Http.PutAsJsonAsync($"/api/v1/instances/{id}/disk", new { size = "30G" }, _ct)).AcceptedAsync();
            grow.Body.GetProperty("summary").GetString().ShouldBe("Disk of ops-disk-1: 20 GiB → 30 GiB");
            await owner.SucceededAsync(grow.OperationId);

            (await DetailsAsync(owner, id)).GetProperty("diskGiB").GetInt64().ShouldBe(30);
            (await VolumeOfAsync(id)).SizeBytes.ShouldBe(30 * GiB);
            var node = fleet.Node(await NodeOfAsync(id));
            var onNode = await fleet.Agents.For(node.Id, node.Address).ListVolumesAsync(new Agent.Contracts.ListVolumesRequest(), cancellationToken: _ct);
            onNode.Volumes.Single(v => v.InstanceId == id.ToString()).CapacityBytes.ShouldBe(30 * GiB);
            await using (var db = fleet.Database.CreateContext())
            {
                (await db.AuditEvents.AsNoTracking().Where(e => e.TargetId == id.ToString() && e.Action == "instance.disk").Select(e => e.Summary).SingleAsync(_ct))
                    .ShouldBe("Requested: Disk of ops-disk-1: 20 GiB → 30 GiB.");
                (await db.AuditEvents.AsNoTracking().CountAsync(e => e.TargetId == id.ToString() && e.Action == "operation.succeeded"
                    && e.Summary == "Disk of ops-disk-1: 20 GiB → 30 GiB: done.", _ct)).ShouldBe(1);
            }

            var smaller = await (await owner.Http.PutAsJsonAsync($"/api/v1/instances/{id}/disk", new { size = "25G" }, _ct)).ProblemAsync();
            var equal = await (await owner.Http.PutAsJsonAsync("/api/v1/instances/ops-disk-1/disk", new { size = "30G" }, _ct)).ProblemAsync();
            var nonsense = await (await owner.Http.PutAsJsonAsync($"/api/v1/instances/{id}/disk", new { size = "1500M" }, _ct)).ProblemAsync();

            (smaller.Status, smaller.Code).ShouldBe((HttpStatusCode.BadRequest, "validation"));
            smaller.Detail.ShouldBe("Disks only grow: ops-disk-1 has 30 GiB; ask for more than that, not 25 GiB (shrinking a disk under its file system destroys data).");
            (equal.Status, equal.Code).ShouldBe((HttpStatusCode.BadRequest, "validation"));
            (nonsense.Status, nonsense.Detail).ShouldBe((HttpStatusCode.BadRequest, "Disks come in whole GiB; 1500M is not a whole number of GiB."));
            await using (var db = fleet.Database.CreateContext())
            {
                (await db.Operations.CountAsync(o => o.TargetId == id, _ct)).ShouldBe(2);   // the create and the one growth
                (await db.Instances.SingleAsync(i => i.Id == id, _ct)).DiskGiB.ShouldBe(30);
            }
            (await VolumeOfAsync(id)).SizeBytes.ShouldBe(30 * GiB);
        }
        finally
        {
            await admin.RemoveAsync(id);
        }
        await using var after = fleet.Database.CreateContext();
        (await after.Volumes.CountAsync(v => v.InstanceId == id, _ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Disk_GrownBySupportOrAnotherCustomer_IsForbiddenOrNotFound_AndAContainerHasNone()
    {
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        await using var support = await fleet.SignInAsync(FleetTenants.Support);
        await using var stranger = await fleet.SignInAsync(FleetTenants.GlobexOwner);
        await using var admin = await fleet.AdminAsync();
        var vm = await (await owner.CreateAsync(new { name = "ops-disk-2", kind = "Vm", template = FleetTenants.VmTemplate, memory = "256M", start = false }))
            .AcceptedAsync();
        var ct = await (await owner.CreateAsync(new { name = "ops-disk-3", kind = "Ct", template = FleetTenants.CtTemplate, memory = "256M", start = false }))
            .AcceptedAsync();
        await owner.SucceededAsync(vm.OperationId);
        await owner.SucceededAsync(ct.OperationId);
        try
        {
            var bySupport = await (await support.Http.PutAsJsonAsync($"/api/v1/instances/{vm.InstanceId}/disk", new { size = "20G" }, _ct)).ProblemAsync();
            var byStranger = await (await stranger.Http.PutAsJsonAsync($"/api/v1/instances/{vm.InstanceId}/disk", new { size = "20G" }, _ct)).ProblemAsync();
            var container = await (await owner.Http.PutAsJsonAsync($"/api/v1/instances/{ct.InstanceId}/disk", new { size = "20G" }, _ct)).ProblemAsync();

            bySupport.Status.ShouldBe(HttpStatusCode.Forbidden);
            (byStranger.Status, byStranger.Code, byStranger.Detail).ShouldBe((HttpStatusCode.NotFound, "not_found", $"Instance '{vm.InstanceId}' was not found."));
            (container.Status, container.Code).ShouldBe((HttpStatusCode.Conflict, "conflict"));
            container.Detail.ShouldBe("ops-disk-3 is a container: its root file system is a folder on the node with no size of its own, so there is no disk to grow.");
            (await DetailsAsync(owner, vm.InstanceId)).GetProperty("diskGiB").GetInt64().ShouldBe(10);   // the default
            await using var db = fleet.Database.CreateContext();
            (await db.Operations.CountAsync(o => o.TargetId == vm.InstanceId || o.TargetId == ct.InstanceId, _ct)).ShouldBe(2);
        }
        finally
        {
            await admin.RemoveAsync(vm.InstanceId);
            await admin.RemoveAsync(ct.InstanceId);
        }
    }

    [Fact]
    public async Task MigrationDryRun_OfAStoppedServer_ExpectsItsRecordedDiskToMove()
    {
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        await using var support = await fleet.SignInAsync(FleetTenants.Support);
        await using var admin = await fleet.AdminAsync();
        var created = await (await owner.CreateAsync(new { name = "ops-disk-4", kind = "Ct", template = FleetTenants.CtTemplate, memory = "256M", start = false }))
            .AcceptedAsync();
        await owner.SucceededAsync(created.OperationId);
        try
        {
            var response = await support.Http.PostAsJsonAsync($"/api/v1/instances/{created.InstanceId}/migrations/dry-run", new { }, _ct);
            var body = await response.Content.ReadAsStringAsync(_ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
            var plan = JsonDocument.Parse(body).RootElement;

            plan.GetProperty("mode").GetString().ShouldBe("Offline");
            plan.GetProperty("expectedTransferMiB").GetInt64().ShouldBe(1024);   // the volume the node reported, nothing else (it is stopped)
        }
        finally
        {
            await admin.RemoveAsync(created.InstanceId);
        }
    }

    private async Task<JsonElement> DetailsAsync(Infrastructure.PanelSession session, Guid id) =>
        await session.Http.GetFromJsonAsync<JsonElement>($"/api/v1/instances/{id}", _ct);

    private async Task<Core.Features.Storage.Volume> VolumeOfAsync(Guid id)
    {
        await using var db = fleet.Database.CreateContext();
        return await db.Volumes.AsNoTracking().Include(v => v.Pool).SingleAsync(v => v.InstanceId == id, _ct);
    }

    private async Task<Guid> NodeOfAsync(Guid id)
    {
        await using var db = fleet.Database.CreateContext();
        return await db.Instances.Where(i => i.Id == id).Select(i => i.NodeId).SingleAsync(_ct);
    }
}
