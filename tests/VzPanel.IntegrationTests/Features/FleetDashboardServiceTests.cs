using VzPanel.Core.Features.Dashboard;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Features;

public sealed class FleetDashboardServiceTests(PostgresServer server) : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private Tenant _alice = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync();
        _alice = await _db.TenantAsync();
        var bob = await _db.TenantAsync();
        var n1 = await _db.NodeAsync("n1", ramMiB: 16384, reserveMiB: 2048);
        await _db.NodeAsync("n2", ramMiB: 8192, reserveMiB: 1024, state: NodeState.Offline);
        await _db.InstanceAsync(_alice, n1, memoryMiB: 1024, guaranteePercent: 50);
        await _db.InstanceAsync(_alice, n1, memoryMiB: 333, guaranteePercent: 10, kind: InstanceKind.Vm);            // 33.3 → 34 MiB guaranteed
        await _db.InstanceAsync(bob, n1, memoryMiB: 4096, guaranteePercent: 100, state: InstanceState.Stopped);  // holds no memory
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task GetSummary_ForStaff_CountsTheWholeFleet()
    {
        var summary = await new FleetDashboardService(_db.Factory(new AccessScope("support", null, PanelRole.Support, null)))
            .GetSummaryAsync(TestContext.Current.CancellationToken);

        summary.IncludesNodes.ShouldBeTrue();
        summary.Nodes.Select(n => n.Name).ShouldBe(["n1", "n2"]);
        summary.NodesOnline.ShouldBe(1);
        summary.InstalledMiB.ShouldBe(24576);
        summary.ReservedMiB.ShouldBe(3072);
        summary.InstanceCount.ShouldBe(3);
        (summary.Containers, summary.VirtualMachines).ShouldBe((2, 1));
        summary.InstancesByState[InstanceState.Running].ShouldBe(2);
        summary.InstancesByState[InstanceState.Stopped].ShouldBe(1);
        summary.CommittedMiB.ShouldBe(1357);
        summary.GuaranteedMiB.ShouldBe(512 + 34);
        var n1 = summary.Nodes[0];
        (n1.Instances, n1.CommittedMiB, n1.GuaranteedMiB).ShouldBe((2, 1357L, 546L));
        summary.Nodes[1].Instances.ShouldBe(0);
    }

    [Fact]
    public async Task GetSummary_ForCustomer_ShowsOnlyItsServersAndNoNodes()
    {
        var summary = await new FleetDashboardService(_db.Factory(AccessScope.ForTenant(_alice.Id)))
            .GetSummaryAsync(TestContext.Current.CancellationToken);

        summary.IncludesNodes.ShouldBeFalse();
        summary.Nodes.ShouldBeEmpty();
        summary.InstanceCount.ShouldBe(2);
        summary.CommittedMiB.ShouldBe(1357);
        summary.InstancesByState.Keys.ShouldBe([InstanceState.Running]);
    }

    [Fact]
    public async Task GetSummary_EmptyDatabase_IsEmpty()
    {
        await using var empty = await server.CreateDatabaseAsync();

        var summary = await new FleetDashboardService(empty.Factory()).GetSummaryAsync(TestContext.Current.CancellationToken);

        summary.IsEmpty.ShouldBeTrue();
        summary.CommittedMiB.ShouldBe(0);
    }
}
