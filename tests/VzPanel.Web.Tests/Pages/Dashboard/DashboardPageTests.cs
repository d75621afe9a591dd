using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Dashboard;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Live;
using VzPanel.Web.Components.Pages.Dashboard;

namespace VzPanel.Web.Tests.Pages.Dashboard;

public sealed class DashboardPageTests : VzPanelTestContext
{
    private static readonly FleetSummary Fleet = new()
    {
        IncludesNodes = true,
        Nodes =
        [
            new NodeCapacity(Guid.NewGuid(), "n1", EngineKind.Sim, NodeState.Online, 16384, 2048, 3, 6144, 3072, DateTimeOffset.UtcNow),
            new NodeCapacity(Guid.NewGuid(), "n2", EngineKind.Libvirt, NodeState.Offline, 8192, 1024, 0, 0, 0, null),
        ],
        InstancesByState = new Dictionary<InstanceState, int> { [InstanceState.Running] = 3, [InstanceState.Stopped] = 2 },
        Containers = 4,
        VirtualMachines = 1,
        CommittedMiB = 6144,
        GuaranteedMiB = 3072,
    };

    private readonly FakeTimeProvider _clock = new();

    private PanelEvents Events => Services.GetRequiredService<PanelEvents>();

    [Fact]
    public void Render_Fleet_ShowsCountsAndMemory()
    {
        Services.AddSingleton<IFleetDashboardQueries>(new FakeFleetDashboard(Fleet));

        var cut = Render<DashboardPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=stat-nodes-value]").TextContent.ShouldBe("1 / 2"));
        cut.Find("[data-testid=stat-instances-value]").TextContent.ShouldBe("5");
        cut.Find("[data-testid=stat-instances]").TextContent.ShouldContain("4 containers · 1 VM");
        cut.Find("[data-testid=stat-instances]").TextContent.ShouldNotContain("1 VMs");
        cut.Find("[data-testid=stat-committed-value]").TextContent.ShouldBe("6 GiB");
        cut.Find("[data-testid=stat-committed]").TextContent.ShouldContain("of 24 GiB installed");
        cut.Find("[data-testid=stat-guaranteed-value]").TextContent.ShouldBe("3 GiB");
        cut.Find("[data-testid=stat-nodes]").TextContent.ShouldContain("1 offline");
        cut.Find("[data-testid=state-Running]").TextContent.ShouldContain("3");
        cut.Find("[data-testid=state-Stopped]").TextContent.ShouldContain("2");
        cut.FindAll("[data-testid=node-table] tbody tr").Count.ShouldBe(2);
        cut.Find("[data-testid=memory-overview]").TextContent.ShouldContain("6 GiB / 24 GiB · 25%");
        cut.FindAll("[data-testid=dashboard-empty]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_NoNodesForStaff_ShowsHowNodesJoin()
    {
        Services.AddSingleton<IFleetDashboardQueries>(new FakeFleetDashboard(new FleetSummary { IncludesNodes = true }));

        var cut = Render<DashboardPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=dashboard-empty]").TextContent.ShouldContain("No nodes in the fleet yet"));
        cut.Markup.ShouldContain("join token");
        cut.FindAll("[data-testid=stat-nodes]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_CustomerWithoutServers_ShowsCustomerEmptyState()
    {
        Services.AddSingleton<IFleetDashboardQueries>(new FakeFleetDashboard(new FleetSummary { IncludesNodes = false }));

        var cut = Render<DashboardPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=dashboard-empty]").TextContent.ShouldContain("You have no servers yet"));
        cut.Find("h1").TextContent.ShouldBe("Your servers");
    }

    [Fact]
    public void Render_CustomerWithServers_HidesFleetCards()
    {
        var mine = new FleetSummary
        {
            IncludesNodes = false,
            InstancesByState = new Dictionary<InstanceState, int> { [InstanceState.Running] = 1 },
            Containers = 1,
            CommittedMiB = 512,
        };
        Services.AddSingleton<IFleetDashboardQueries>(new FakeFleetDashboard(mine));

        var cut = Render<DashboardPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=stat-instances-value]").TextContent.ShouldBe("1"));
        cut.FindAll("[data-testid=stat-nodes]").ShouldBeEmpty();
        cut.FindAll("[data-testid=node-table]").ShouldBeEmpty();
        cut.FindAll("[data-testid=memory-overview]").ShouldBeEmpty();
        cut.Find("[data-testid=stat-committed-value]").TextContent.ShouldBe("512 MiB");
    }

    [Fact]
    public void Render_PrepaidCustomer_ShowsSpendForecastAndCreditLeft_StaffSeeNone()
    {
        var tenant = Guid.NewGuid();
        ViewAs(new AccessScope("acme-owner", Guid.NewGuid(), PanelRole.Customer, tenant));
        Services.AddSingleton<IFleetDashboardQueries>(new FakeFleetDashboard(new FleetSummary { IncludesNodes = false, Containers = 1 }));
        Money.Balance = Billing.FakeSpend.Prepaid(tenant, balance: 36m, hourly: 0.05m, BalanceState.Ok);
        Money.Spent = 12.34m;

        var cut = Render<DashboardPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=stat-spent-value]").TextContent.ShouldStartWith("12.34"));
        cut.Find("[data-testid=stat-spent]").TextContent.ShouldContain("forecast");
        cut.Find("[data-testid=stat-hourly-value]").TextContent.ShouldBe("0.05 EUR");
        cut.Find("[data-testid=stat-hourly]").TextContent.ShouldContain("36.50 EUR a month");
        cut.Find("[data-testid=stat-balance-value]").TextContent.ShouldBe("36.00 EUR");
        cut.Find("[data-testid=stat-balance]").TextContent.ShouldContain("lasts about 30 days");   // 36 / 0.05 = 720 h
    }

    [Fact]
    public void Render_Staff_HaveNoSpendCard()
    {
        ViewAs(Staff(PanelRole.Admin));
        Services.AddSingleton<IFleetDashboardQueries>(new FakeFleetDashboard(Fleet));

        var cut = Render<DashboardPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=stat-nodes-value]"));
        cut.FindAll("[data-testid=your-spend]").ShouldBeEmpty();
        Money.Reads.ShouldBe(0);
    }

    [Fact]
    public void Refresh_AsksTheServiceAgain()
    {
        var fake = new FakeFleetDashboard(Fleet);
        Services.AddSingleton<IFleetDashboardQueries>(fake);
        var cut = Render<DashboardPage>();
        cut.WaitForAssertion(() => fake.Calls.ShouldBe(1));

        cut.Find("[data-testid=refresh]").Click();

        cut.WaitForAssertion(() => fake.Calls.ShouldBe(2));
    }

    [Fact]
    public async Task LiveEvents_ReadTheFleetAgain_AndNothingElseDoes()
    {
        var (fake, cut) = RenderLive(Fleet, Staff(PanelRole.Admin));

        Events.Publish(new NodeChanged(Fleet.Nodes[1].Id, NodeState.Online));
        cut.WaitForAssertion(() => fake.Calls.ShouldBe(2));
        _clock.Advance(LiveUpdates.Interval);
        Events.Publish(new InstanceChanged(Guid.NewGuid(), Guid.NewGuid(), Fleet.Nodes[0].Id, InstanceState.Stopped));
        cut.WaitForAssertion(() => fake.Calls.ShouldBe(3));
        _clock.Advance(TimeSpan.FromMinutes(5));   // no timer: time alone reads nothing
        await SettleAsync();

        fake.Calls.ShouldBe(3);
    }

    [Fact]
    public async Task LiveEvents_ForACustomer_OnlyTheirOwnServersReadAgain()
    {
        var mine = Guid.NewGuid();
        var (fake, cut) = RenderLive(new FleetSummary { IncludesNodes = false }, AccessScope.ForTenant(mine));

        Events.Publish(new NodeChanged(Guid.NewGuid(), NodeState.Offline));
        Events.Publish(new InstanceChanged(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), InstanceState.Running));
        _clock.Advance(TimeSpan.FromSeconds(5));
        await SettleAsync();
        fake.Calls.ShouldBe(1);
        Events.Publish(new InstanceChanged(Guid.NewGuid(), mine, Guid.NewGuid(), InstanceState.Running));

        cut.WaitForAssertion(() => fake.Calls.ShouldBe(2));
    }

    [Fact]
    public async Task Closed_WithAReadPending_ReadsNothingMore()
    {
        var (fake, cut) = RenderLive(Fleet, Staff(PanelRole.Admin));
        var node = new NodeChanged(Fleet.Nodes[0].Id, NodeState.Online);
        Events.Publish(node);
        cut.WaitForAssertion(() => fake.Calls.ShouldBe(2));
        Events.Publish(node);   // waits for the interval

        await DisposeComponentsAsync();
        Events.Publish(node);
        _clock.Advance(TimeSpan.FromSeconds(5));
        await SettleAsync();

        fake.Calls.ShouldBe(2);
    }

    /// <summary>The dashboard as <paramref name="viewer"/> sees it on a fake clock, once it has read the summary the first time.</summary>
    private (FakeFleetDashboard Queries, IRenderedComponent<DashboardPage> Page) RenderLive(FleetSummary summary, AccessScope viewer)
    {
        var fake = new FakeFleetDashboard(summary);
        Services.AddSingleton<TimeProvider>(_clock);
        Services.AddSingleton<IFleetDashboardQueries>(fake);
        ViewAs(viewer);
        var cut = Render<DashboardPage>();
        cut.WaitForAssertion(() => fake.Calls.ShouldBe(1));
        return (fake, cut);
    }
}
