using System.Net;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Capacity;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>Where new servers land on two real agents of different sizes, and an administrator's own choice of node.</summary>
[Collection(nameof(OperationsFleetCollection))]
public sealed class PlacementApiTests(OperationsFleet fleet)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

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

            var full = await fleet.LoadAsync(fleet.Node(formerFavourite.Id));
            var refusedChoice = await (await admin.CreateAsync(Spec("ops-place-5", "3G", 100, formerFavourite.Id))).ProblemAsync();
            (refusedChoice.Status, refusedChoice.Detail).ShouldBe((HttpStatusCode.Conflict,
                $"Node {formerFavourite.Name}: {Refusals.Guarantees(full.GuaranteedMiB + 3072, full.Node.GuaranteeableMiB)}."));

            var ranked = await RankedLoadsAsync();
            var nowhere = await (await admin.CreateAsync(Spec("ops-place-6", "6G", 100, node: null))).ProblemAsync();
            (nowhere.Status, nowhere.Detail).ShouldBe((HttpStatusCode.Conflict, "No node can take it: "
                + string.Join("; ", ranked.Select(l => l.Node.RamMiB < 6144
                    ? $"node {l.Node.Name}: has {Refusals.Gib(l.Node.RamMiB)} GiB of RAM, less than the 6.0 GiB asked for"
                    : $"node {l.Node.Name}: {Refusals.Guarantees(l.GuaranteedMiB + 6144, l.Node.GuaranteeableMiB)}")) + "."));
        }
        finally
        {
            foreach (var id in made) await admin.RemoveAsync(id);
        }
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
}
