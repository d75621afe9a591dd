using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Capacity;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>
/// What is refused before anything is queued, with the reason a person reads, and where new servers land,
/// through the REST API against two real agents. Expected numbers come from the inventory at the time of the request.
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
        var small = await LoadAsync(fleet.Small);

        var response = await admin.CreateAsync(new
        {
            name = "ops-adm-big-guarantee", kind = "Ct", template = FleetTenants.CtTemplate, memory = "4G", memoryGuaranteePercent = 100,
            tenantId = fleet.Tenants.Acme.Id, nodeId = fleet.Small.Id,
        });

        var problem = await response.ProblemAsync();
        (problem.Status, problem.Code).ShouldBe((HttpStatusCode.Conflict, "conflict"), problem.Body);
        problem.Detail.ShouldBe($"Node ops-small: {GuaranteeRefusal(small.GuaranteedMiB + 4096, small.Node.GuaranteeableMiB)}.");
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
            var small = await LoadAsync(fleet.Small);
            var over = small.Node.CommittableMiB - small.CommittedMiB + 512;   // no guarantee, so only the overcommit ceiling can refuse it

            var response = await admin.CreateAsync(new
            {
                name = "ops-adm-over", kind = "Ct", template = FleetTenants.CtTemplate, memory = $"{over}M", memoryGuaranteePercent = 0,
                tenantId = fleet.Tenants.Acme.Id, nodeId = fleet.Small.Id,
            });

            var problem = await response.ProblemAsync();
            (problem.Status, problem.Code).ShouldBe((HttpStatusCode.Conflict, "conflict"), problem.Body);
            var committed = small.CommittedMiB + over;
            problem.Detail.ShouldBe($"Node ops-small: committed memory would reach {Percent(committed, 4096)}% of RAM, above the overcommit limit of 150% "
                + $"({Gib(committed)} of 6.0 GiB).");
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
    public async Task Create_WithoutANode_GoesWhereTheGuaranteeHeadroomIsLargest_AndAnAdminsChoiceIsKeptOrRefused()
    {
        await using var admin = await fleet.AdminAsync();
        var made = new List<Guid>();
        try
        {
            var (most, least) = await RankAsync();
            var first = await CreatedOnAsync(admin, made, "ops-place-1", "512M", 50, node: null);
            first.ShouldBe(most.Node.Id);

            // An admin may put a server on the node placement would not have chosen.
            (await CreatedOnAsync(admin, made, "ops-place-2", "256M", 0, least.Node.Id)).ShouldBe(least.Node.Id);
            // Promise most of the roomier node's memory away, and placement turns to the other one.
            (most, least) = await RankAsync();
            var hog = most.GuaranteeHeadroomMiB - least.GuaranteeHeadroomMiB + 512;
            (await CreatedOnAsync(admin, made, "ops-place-3", $"{hog}M", 100, most.Node.Id)).ShouldBe(most.Node.Id);
            var formerFavourite = most.Node;
            (await CreatedOnAsync(admin, made, "ops-place-4", "512M", 50, node: null)).ShouldBe(least.Node.Id);

            var full = await LoadAsync(fleet.Node(formerFavourite.Id));
            var refusedChoice = await (await admin.CreateAsync(Spec("ops-place-5", "3G", 100, formerFavourite.Id))).ProblemAsync();
            (refusedChoice.Status, refusedChoice.Detail).ShouldBe((HttpStatusCode.Conflict,
                $"Node {formerFavourite.Name}: {GuaranteeRefusal(full.GuaranteedMiB + 3072, full.Node.GuaranteeableMiB)}."));

            var ranked = await RankedLoadsAsync();
            var nowhere = await (await admin.CreateAsync(Spec("ops-place-6", "6G", 100, node: null))).ProblemAsync();
            (nowhere.Status, nowhere.Detail).ShouldBe((HttpStatusCode.Conflict, "No node can take it: "
                + string.Join("; ", ranked.Select(l => $"node {l.Node.Name}: {GuaranteeRefusal(l.GuaranteedMiB + 6144, l.Node.GuaranteeableMiB)}")) + "."));
        }
        finally
        {
            foreach (var id in made) await admin.RemoveAsync(id);
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

    private object Spec(string name, string memory, int guarantee, Guid? node) => new
    {
        name, kind = "Ct", template = FleetTenants.CtTemplate, memory, memoryGuaranteePercent = guarantee, tenantId = fleet.Tenants.Acme.Id, nodeId = node,
    };

    /// <summary>Creates a server (waits for it to run) and returns the node it landed on.</summary>
    private async Task<Guid> CreatedOnAsync(PanelSession admin, List<Guid> made, string name, string memory, int guarantee, Guid? node)
    {
        var accepted = await (await admin.CreateAsync(Spec(name, memory, guarantee, node))).AcceptedAsync();
        made.Add(accepted.InstanceId);
        await admin.SucceededAsync(accepted.OperationId);
        await using var db = fleet.Database.CreateContext();
        return await db.Instances.Where(i => i.Id == accepted.InstanceId).Select(i => i.NodeId).SingleAsync(_ct);
    }

    private async Task<NodeLoad> LoadAsync(FleetNode node)
    {
        await using var db = fleet.Database.CreateContext();
        return (await NodeLoad.ForNodesAsync(db, [node.Id], _ct)).Single();
    }

    /// <summary>The fleet's nodes by guarantee headroom, largest first (ties by name), as placement ranks them.</summary>
    private async Task<List<NodeLoad>> RankedLoadsAsync()
    {
        await using var db = fleet.Database.CreateContext();
        var loads = await NodeLoad.ForNodesAsync(db, [.. fleet.Nodes.Select(n => n.Id)], _ct);
        return [.. loads.OrderByDescending(l => l.Node.GuaranteeableMiB - l.GuaranteedMiB).ThenBy(l => l.Node.Name, StringComparer.Ordinal)];
    }

    private async Task<(NodeLoad Most, NodeLoad Least)> RankAsync()
    {
        var ranked = await RankedLoadsAsync();
        return (ranked[0], ranked[1]);
    }

    private static string GuaranteeRefusal(long guaranteedMiB, long guaranteeableMiB) =>
        $"guarantees would reach {Percent(guaranteedMiB, guaranteeableMiB)}% of RAM minus the host reserve ({Gib(guaranteedMiB)} of {Gib(guaranteeableMiB)} GiB)";

    private static int Percent(long part, long whole) => (int)Math.Round(part * 100.0 / whole, MidpointRounding.AwayFromZero);

    private static string Gib(long mib) => (mib / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
