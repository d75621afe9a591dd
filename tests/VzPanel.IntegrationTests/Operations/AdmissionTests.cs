using System.Net;
using Microsoft.EntityFrameworkCore;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>
/// What is refused before anything is queued, with the reason a person reads, through the REST API against two
/// real agents: the plan's limits, a node's guarantees and overcommit ceiling, a shrink below what the guest uses.
/// Expected numbers come from the inventory at the time of the request.
/// </summary>
[Collection(nameof(OperationsFleetCollection))]
public sealed class AdmissionTests(OperationsFleet fleet)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("8G", 1, "Plan 'ops-standard' allows 128M to 6G of memory, not 8G.")]
    [InlineData("64M", 1, "Plan 'ops-standard' allows 128M to 6G of memory, not 64M.")]
    [InlineData("1G", 6, "Plan 'ops-standard' allows at most 4 vCPUs, not 6.")]
    public async Task Create_OutsideThePlan_IsRefusedWithThePlansLimits(string memory, int vCpus, string reason)
    {
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);

        var response = await owner.CreateAsync(new { name = "ops-adm-plan", kind = "Ct", template = FleetTenants.CtTemplate, memory, vCpus });

        var problem = await response.ProblemAsync();
        (problem.Status, problem.Code, problem.Detail).ShouldBe((HttpStatusCode.BadRequest, "validation", reason));
        await using var db = fleet.Database.CreateContext();
        (await db.Instances.AnyAsync(i => i.Name == "ops-adm-plan", _ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Create_GuaranteesBeyondTheNodesRam_IsRefusedWithTheShare()
    {
        await using var admin = await fleet.AdminAsync();
        var small = await fleet.LoadAsync(fleet.Small);

        var response = await admin.CreateAsync(new
        {
            name = "ops-adm-big-guarantee", kind = "Ct", template = FleetTenants.CtTemplate, memory = "4G", memoryGuaranteePercent = 100,
            tenantId = fleet.Tenants.Acme.Id, nodeId = fleet.Small.Id,
        });

        var problem = await response.ProblemAsync();
        (problem.Status, problem.Code).ShouldBe((HttpStatusCode.Conflict, "conflict"), problem.Body);
        problem.Detail.ShouldBe($"Node ops-small: {Refusals.Guarantees(small.GuaranteedMiB + 4096, small.Node.GuaranteeableMiB)}.");
        problem.Detail.ShouldContain("of 3.0 GiB)");   // 4 GiB of RAM less the 1 GiB host reserve
    }

    [Fact]
    public async Task Create_CommittedMemoryOverTheOvercommitLimit_IsRefusedWithTheShare()
    {
        await using var admin = await fleet.AdminAsync();
        var fill = await (await admin.CreateAsync(new
        {
            name = "ops-adm-fill", kind = "Ct", template = FleetTenants.CtTemplate, memory = "3G", memoryGuaranteePercent = 0,
            tenantId = fleet.Tenants.Acme.Id, nodeId = fleet.Small.Id,
        })).AcceptedAsync();
        try
        {
            await admin.SucceededAsync(fill.OperationId);
            var small = await fleet.LoadAsync(fleet.Small);
            var over = small.Node.CommittableMiB - small.CommittedMiB + 512;   // no guarantee, so only the overcommit ceiling can refuse it

            var response = await admin.CreateAsync(new
            {
                name = "ops-adm-over", kind = "Ct", template = FleetTenants.CtTemplate, memory = $"{over}M", memoryGuaranteePercent = 0,
                tenantId = fleet.Tenants.Acme.Id, nodeId = fleet.Small.Id,
            });

            var problem = await response.ProblemAsync();
            (problem.Status, problem.Code).ShouldBe((HttpStatusCode.Conflict, "conflict"), problem.Body);
            var committed = small.CommittedMiB + over;
            problem.Detail.ShouldBe($"Node ops-small: committed memory would reach {Refusals.Percent(committed, 4096)}% of RAM, above the overcommit limit of 150% "
                + $"({Refusals.Gib(committed)} of 6.0 GiB).");
        }
        finally
        {
            await admin.RemoveAsync(fill.InstanceId);
        }
    }

    [Fact]
    public async Task SetMemory_BelowWhatTheServerUses_IsRefusedWithTheNumbers()
    {
        await using var owner = await fleet.SignInAsync(FleetTenants.AcmeOwner);
        var created = await (await owner.CreateAsync(new { name = "ops-adm-shrink", kind = "Ct", template = FleetTenants.CtTemplate, memory = "2G" }))
            .AcceptedAsync();
        try
        {
            await owner.SucceededAsync(created.OperationId);

            var tooSmall = await (await owner.SetMemoryAsync("ops-adm-shrink", "512M")).ProblemAsync();
            var overPlan = await (await owner.SetMemoryAsync("ops-adm-shrink", "7G")).ProblemAsync();
            var justEnough = await (await owner.SetMemoryAsync("ops-adm-shrink", "576M")).AcceptedAsync();

            // The sim node reports 64 MiB + a quarter of the memory in use for a running server: 576 MiB of 2 GiB.
            (tooSmall.Status, tooSmall.Code, tooSmall.Detail).ShouldBe((HttpStatusCode.BadRequest, "validation",
                "ops-adm-shrink uses 576 MiB right now; memory cannot shrink to 512 MiB. Free memory in the server first or choose at least 576 MiB."));
            (overPlan.Status, overPlan.Detail).ShouldBe((HttpStatusCode.BadRequest, "Plan 'ops-standard' allows 128M to 6G of memory, not 7G."));
            await owner.SucceededAsync(justEnough.OperationId);
            await using var db = fleet.Database.CreateContext();
            (await db.Instances.SingleAsync(i => i.Id == created.InstanceId, _ct)).MemoryMiB.ShouldBe(576);
        }
        finally
        {
            await using var admin = await fleet.AdminAsync();
            await admin.RemoveAsync(created.InstanceId);
        }
    }
}
