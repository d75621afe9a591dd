using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>
/// Admission and placement on a crafted fleet of real inventory rows: what each node holds (<see cref="NodeLoad"/>)
/// and which node a new server goes to, or why none can take it (<see cref="Placement"/>).
/// </summary>
public sealed class PlacementTests(PostgresServer server) : IAsyncLifetime
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private TestDatabase _db = null!;
    private Tenant _tenant = null!, _other = null!;
    private Node _alpha = null!, _bravo = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync();
        _tenant = await _db.TenantAsync("placement-a");
        _other = await _db.TenantAsync("placement-b");
        // alpha: 16 GiB, 12 GiB of it guaranteed (3 GiB headroom); bravo: 8 GiB, empty (7 GiB headroom). Both keep 1 GiB, overcommit 1.5×.
        _alpha = await _db.NodeAsync("n-alpha", ramMiB: 16384);
        _bravo = await _db.NodeAsync("n-bravo", ramMiB: 8192);
        await _db.InstanceAsync(_tenant, _alpha, "alpha-big", memoryMiB: 12288, guaranteePercent: 100);
        await _db.InstanceAsync(_tenant, _alpha, "alpha-stopped", memoryMiB: 4096, guaranteePercent: 100, state: InstanceState.Stopped);
        // Larger nodes that cannot take a container: offline, in maintenance, or a libvirt host that runs VMs only.
        await _db.NodeAsync("n-charlie", ramMiB: 32768, state: NodeState.Offline);
        await _db.NodeAsync("n-delta", ramMiB: 32768, state: NodeState.Maintenance);
        var echo = await _db.NodeAsync("n-echo", ramMiB: 65536);
        await using var db = _db.CreateContext();
        db.Nodes.Attach(echo).Entity.Engine = EngineKind.Libvirt;
        await db.SaveChangesAsync(_ct);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task ForNodesAsync_CountsWhatANodeMustHold_IncludingOtherTenants_EvenInACustomersContext()
    {
        var node = await _db.NodeAsync("n-load", ramMiB: 16384);
        await _db.InstanceAsync(_tenant, node, "load-running", memoryMiB: 1024, guaranteePercent: 50);
        await _db.InstanceAsync(_tenant, node, "load-provisioning", memoryMiB: 2048, guaranteePercent: 25, state: InstanceState.Provisioning);
        await _db.InstanceAsync(_tenant, node, "load-stopped", memoryMiB: 4096, guaranteePercent: 100, state: InstanceState.Stopped);
        await _db.InstanceAsync(_tenant, node, "load-failed", memoryMiB: 4096, guaranteePercent: 100, state: InstanceState.Failed);
        await _db.InstanceAsync(_other, node, "load-theirs", memoryMiB: 333, guaranteePercent: 33);

        await using var customer = _db.CreateContext(AccessScope.ForTenant(_tenant.Id));
        var seenByCustomer = (await NodeLoad.ForNodesAsync(customer, [node.Id], _ct)).Single();
        await using var system = _db.CreateContext();
        var seenBySystem = (await NodeLoad.ForNodesAsync(system, [node.Id], _ct)).Single();

        // 512 + 512 + ceil(333 × 33 %) = 110: each guarantee rounds up on its own, as the instance computes it.
        (seenByCustomer.GuaranteedMiB, seenByCustomer.CommittedMiB).ShouldBe((1134L, 3405L));
        (seenBySystem.GuaranteedMiB, seenBySystem.CommittedMiB).ShouldBe((1134L, 3405L));
        seenBySystem.GuaranteeHeadroomMiB.ShouldBe(15360 - 1134);
        var all = await NodeLoad.ForNodesAsync(system, null, _ct);
        all.Single(l => l.Node.Id == _alpha.Id).GuaranteedMiB.ShouldBe(12288);   // the stopped server holds nothing
        all.Single(l => l.Node.Id == _bravo.Id).GuaranteedMiB.ShouldBe(0);
    }

    [Fact]
    public async Task Choose_Container_GoesToTheMostHeadroomAmongNodesThatCanRunIt()
    {
        var loads = await LoadsAsync();

        var container = Placement.Choose(loads, InstanceKind.Ct, 2048, 1024);
        var vm = Placement.Choose(loads, InstanceKind.Vm, 2048, 1024);

        container.Value!.Node.Name.ShouldBe("n-bravo");   // larger nodes are offline, in maintenance or VM-only
        vm.Value!.Node.Name.ShouldBe("n-echo");
    }

    [Fact]
    public async Task Choose_EqualHeadroom_TakesTheFirstNodeByName()
    {
        var twin = await _db.NodeAsync("n-bravo-twin", ramMiB: 8192);
        var loads = (await LoadsAsync()).Where(l => l.Node.Id == twin.Id || l.Node.Id == _bravo.Id).Reverse().ToList();

        Placement.Choose(loads, InstanceKind.Ct, 1024, 512).Value!.Node.Name.ShouldBe("n-bravo");
    }

    [Fact]
    public async Task Choose_NoNodeCanTakeIt_ListsEveryNodesReasonInRankOrder()
    {
        var loads = await LoadsAsync();

        var refused = Placement.Choose(loads, InstanceKind.Ct, 8192, 8192);

        (refused.Error!.Code, refused.Error.Message).ShouldBe(("conflict", "No node can take it: "
            + "node n-echo: its libvirt engine runs virtual machines, not containers; "
            + "node n-charlie: offline, it cannot act now; "
            + "node n-delta: in maintenance, it takes no new servers; "
            + "node n-bravo: guarantees would reach 114% of RAM minus the host reserve (8.0 of 7.0 GiB); "
            + "node n-alpha: guarantees would reach 133% of RAM minus the host reserve (20.0 of 15.0 GiB)."));
    }

    [Fact]
    public async Task Choose_OneNodeOverItsOvercommitLimit_SaysByHowMuch()
    {
        // 8 GiB of servers already committed on the 8 GiB node: 4 GiB more reaches RAM × 1.5 exactly.
        var bravo = (await LoadsAsync()).Where(l => l.Node.Id == _bravo.Id).Select(l => l with { CommittedMiB = 8192 }).ToList();

        var fits = Placement.Choose(bravo, InstanceKind.Ct, 4096, 0);
        var over = Placement.Choose(bravo, InstanceKind.Ct, 4808, 0);
        var none = Placement.Choose([], InstanceKind.Ct, 1024, 0);

        fits.IsSuccess.ShouldBeTrue();   // exactly RAM × 1.5 is allowed
        over.Error!.Message.ShouldBe("Node n-bravo: committed memory would reach 159% of RAM, above the overcommit limit of 150% (12.7 of 12.0 GiB).");
        none.Error!.Message.ShouldBe("There is no node to place the server on yet. An administrator adds nodes under Nodes.");
    }

    [Fact]
    public async Task RefusalOnNode_GuaranteeExactlyFilled_IsAllowedAndOneMiBMoreIsNot()
    {
        var alpha = (await LoadsAsync()).Single(l => l.Node.Id == _alpha.Id);

        Admission.RefusalOnNode(alpha, 3072, 3072).ShouldBeNull();
        Admission.RefusalOnNode(alpha, 3073, 3073).ShouldBe("node n-alpha: guarantees would reach 100% of RAM minus the host reserve (15.0 of 15.0 GiB)");
        Admission.RefusalOnNode(alpha, -1024, 0).ShouldBeNull();   // lowering is never refused
    }

    private async Task<List<NodeLoad>> LoadsAsync()
    {
        await using var db = _db.CreateContext();
        return await NodeLoad.ForNodesAsync(db, null, _ct);
    }
}
