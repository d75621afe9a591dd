using Bunit;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.GuestTools;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Pages.Instances;
using VzPanel.Web.Security;
using VzPanel.Web.Tests.Pages.Nodes;
using VzPanel.Web.Tests.Pages.Operations;

namespace VzPanel.Web.Tests.Pages.Instances;

/// <summary>The counters card of a server's page: its rows, compact, or why there are none.</summary>
public sealed class InstanceCountersTests : CountersCardTests<InstanceCounters, InstanceCountersView>
{
    private readonly FakeCounterQueries _counters = new();

    protected override InstanceCountersView Sample => CountersTestData.Running("acme-web");

    [Fact]
    public void Render_RunningServer_ShowsCompactRowsAndRamInUse()
    {
        var cut = RenderCard(CountersTestData.Running("acme-web"));

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=counter-row]").Count.ShouldBe(5));
        cut.FindAll("th").Select(h => h.TextContent).ShouldBe(["Resource", "Held", "Limit", "Fails"]);
        var phys = cut.Find("[data-resource=physpages]");
        phys.QuerySelector("[data-testid=counter-held]")!.TextContent.ShouldBe("300 MiB");
        phys.QuerySelector("[data-testid=counter-held]")!.GetAttribute("title").ShouldBe("max held 420 MiB");
        phys.QuerySelector("[data-testid=counter-limit]")!.TextContent.ShouldBe("2,048 MiB");
        phys.QuerySelector("td")!.GetAttribute("title").ShouldBe("RAM in use, in 4 KiB pages; the limit is the server's memory");
        cut.Find("[data-testid=counters-ram]").TextContent.ShouldContain("300 MiB / 2 GiB");
        cut.FindAll("[data-testid=counters-not-running]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_FailCount_IsHighlighted()
    {
        var cut = RenderCard(CountersTestData.Running("acme-web", physFailures: 12));

        cut.WaitForAssertion(() => cut.Find("[data-resource=physpages] .mud-chip").ClassList.ShouldContain("mud-chip-color-warning"));
        cut.Find("[data-resource=physpages] .mud-chip").TextContent.Trim().ShouldBe("12");
    }

    [Fact]
    public void Render_StoppedServer_SaysItHoldsNothing()
    {
        var cut = RenderCard(CountersTestData.Running("acme-web", state: InstanceState.Stopped));

        cut.WaitForAssertion(() => cut.Find("[data-testid=counters-not-running]").TextContent.ShouldContain("not running"));
    }

    [Fact]
    public void Render_ServerBeingCreated_SaysWhyThereAreNoCounters()
    {
        var cut = RenderCard(InstanceCountersView.Silent(Guid.NewGuid(), "new-1", InstanceState.Provisioning, "the server is still being created",
            CountersTestData.ReadAt));

        cut.WaitForAssertion(() => cut.Find("[data-testid=counters-unavailable]").TextContent.ShouldBe("No counters yet: the server is still being created."));
        cut.FindAll("[data-testid=counters-table]").ShouldBeEmpty();
    }

    [Fact]
    public void ServerPage_ReadsTheCountersAgain_WhenTheServersStateChanges()
    {
        var queries = new FakeInstanceQueries();
        Services.AddSingleton<IInstanceQueries>(queries);
        Services.AddSingleton<IInstanceCommands>(new FakeInstanceCommands());
        Services.AddSingleton<IOperationQueries>(new FakeOperationQueries());
        Services.AddSingleton<IGuestInfoQueries>(new FakeGuestInfoQueries());
        Services.AddSingleton<ICounterQueries>(_counters);
        AddAuthorization().SetAuthorized("acme").SetPolicies(Policies.SignedIn, Policies.ManageInstances);
        Services.AddSingleton(new CurrentAccess(AccessScope.ForTenant(FakeInstanceQueries.Acme)));
        var row = queries.Add(FakeInstanceQueries.Row("web-1", InstanceState.Running));
        var cut = Render<InstanceDetailPage>(p => p.Add(x => x.Id, row.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=instance-counters] [data-resource=physpages]").ShouldNotBeNull());
        _counters.InstanceReads.ShouldBe(1);

        _counters.Instance = CountersTestData.Running("web-1", state: InstanceState.Stopped);
        queries.Replace(row with { State = InstanceState.Stopped });
        Services.GetRequiredService<PanelEvents>().Publish(new InstanceChanged(row.Id, row.TenantId, row.NodeId, InstanceState.Stopped));

        cut.WaitForAssertion(() => cut.Find("[data-testid=counters-not-running]").ShouldNotBeNull());
        _counters.InstanceReads.ShouldBe(2);
    }
}
