using Bunit;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;
using VzPanel.Web.Tests.Pages.Operations;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Web.Components.Pages.Nodes;
using VzPanel.Web.Security;

namespace VzPanel.Web.Tests.Pages.Nodes;

/// <summary>The counters card of the node page: a block of rows per running server, or why there is none.</summary>
public sealed class NodeCountersTests : CountersCardTests<NodeCounters, NodeCountersView>
{
    private readonly FakeCounterQueries _counters = new();
    private readonly FakeNodeDrain _drain = new();

    protected override NodeCountersView Sample => NodeWith(CountersTestData.Running("acme-web"));

    private static NodeCountersView NodeWith(params InstanceCountersView[] instances) =>
        new(Guid.NewGuid(), "sim-1", instances, 0, CountersTestData.ReadAt);

    [Fact]
    public void Render_RunningServers_ShowsTheirRowsInMiBAndCounts_LinkedToTheirPages()
    {
        var web = CountersTestData.Running("acme-web");
        var db = CountersTestData.Running("acme-db");

        var cut = RenderCard(NodeWith(db, web));

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=counters-instance]").Count.ShouldBe(2));
        var links = cut.FindAll("[data-testid=counters-instance-link]");
        links.Select(l => l.TextContent).ShouldBe(["acme-db", "acme-web"]);
        links[1].GetAttribute("href").ShouldBe($"/instances/{web.InstanceId}");
        var block = cut.FindAll("[data-testid=counters-instance]")[1];
        block.QuerySelectorAll("[data-testid=counter-row]").Select(r => r.GetAttribute("data-resource"))
            .ShouldBe(["physpages", "swappages", "oomguarpages", "numproc", "kmemsize"]);
        var phys = block.QuerySelector("[data-resource=physpages]")!;
        phys.QuerySelector("[data-testid=counter-held]")!.TextContent.ShouldBe("300 MiB");
        phys.QuerySelector("[data-testid=counter-maxheld]")!.TextContent.ShouldBe("420 MiB");
        phys.QuerySelector("[data-testid=counter-limit]")!.TextContent.ShouldBe("2,048 MiB");
        phys.TextContent.ShouldContain("RAM in use, in 4 KiB pages");
        var oomguar = block.QuerySelector("[data-resource=oomguarpages]")!;
        oomguar.QuerySelector("[data-testid=counter-barrier]")!.TextContent.ShouldBe("1,024 MiB");
        oomguar.QuerySelector("[data-testid=counter-limit]")!.TextContent.ShouldBe("unlimited");
        var numproc = block.QuerySelector("[data-resource=numproc]")!;
        numproc.QuerySelector("[data-testid=counter-held]")!.TextContent.ShouldBe("16");
        numproc.QuerySelector("[data-testid=counter-limit]")!.TextContent.ShouldBe("unlimited");
        block.QuerySelector("[data-resource=kmemsize] [data-testid=counter-held]")!.TextContent.ShouldBe("4.7 MiB");
        block.QuerySelector("[data-resource=kmemsize] [data-testid=counter-limit]")!.TextContent.ShouldBe("unlimited");   // 2^60 counts as none
        block.QuerySelector("[data-testid=counters-ram]")!.TextContent.ShouldContain("300 MiB / 2 GiB · 15%");
        block.QuerySelector("[data-testid=counters-oom]")!.TextContent.ShouldBe("No OOM kills.");
    }

    [Fact]
    public void Render_FailuresAndOomKills_AreHighlighted()
    {
        var cut = RenderCard(NodeWith(CountersTestData.Running("acme-web", physFailures: 7, oomKills: 2)));

        cut.WaitForAssertion(() => cut.Find("[data-resource=physpages]").GetAttribute("data-failing").ShouldBe("true"));
        var fails = cut.Find("[data-resource=physpages] [data-testid=counter-failcnt] .mud-chip");
        fails.TextContent.Trim().ShouldBe("7");
        fails.ClassList.ShouldContain("mud-chip-color-warning");
        cut.Find("[data-resource=numproc]").GetAttribute("data-failing").ShouldBe("false");
        cut.FindAll("[data-resource=numproc] .mud-chip").ShouldBeEmpty();
        cut.Find("[data-testid=counters-oom]").TextContent.ShouldContain("The OOM killer ended 2 processes in this server.");
        cut.Find("[data-testid=counters-oom]").ClassList.ShouldContain("mud-alert-text-warning");
    }

    [Fact]
    public void Render_NoRunningServers_SaysSo()
    {
        var cut = RenderCard(NodeWith());

        cut.WaitForAssertion(() => cut.Find("[data-testid=counters-empty]").TextContent.ShouldContain("No running servers on this node."));
        cut.FindAll("[data-testid=counters-table]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_OneServerTheNodeCannotTellAbout_ShowsItsReason_AndTheOthersRows()
    {
        const string Reason = "Node sim-1 does not have ghost; the node page lists how it disagrees with the inventory.";
        var ghost = InstanceCountersView.Silent(Guid.NewGuid(), "ghost", InstanceState.Running, Reason, CountersTestData.ReadAt);

        var cut = RenderCard(NodeWith(CountersTestData.Running("acme-web"), ghost));

        cut.WaitForAssertion(() => cut.Find("[data-testid=counters-unavailable]").TextContent.ShouldBe(Reason));
        var blocks = cut.FindAll("[data-testid=counters-instance]");
        blocks[0].QuerySelectorAll("[data-testid=counter-row]").Count.ShouldBe(5);
        blocks[1].QuerySelectorAll("[data-testid=counter-row]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_MoreRunningServersThanItReads_SaysHowManyAreNotShown()
    {
        var cut = RenderCard(NodeWith(CountersTestData.Running("acme-web")) with { NotShown = 3 });

        cut.WaitForAssertion(() => cut.Find("[data-testid=counters-not-shown]").TextContent
            .ShouldContain($"3 more running servers are not shown: this card reads the first {CounterQueries.NodeLimit} by name."));
    }

    /// <summary>The node page of an online sim node, for support, with this test's counters.</summary>
    private (NodeSummary Node, FakeNodeQueries Queries, IRenderedComponent<NodeDetailPage> Page) RenderPage()
    {
        var queries = new FakeNodeQueries();
        var node = FakeNodeQueries.Node("sim-1", NodeState.Online);
        queries.Nodes.Add(node);
        Services.AddSingleton<INodeQueries>(queries);
        Services.AddSingleton<INodeObservations>(new FakeNodeObservations());
        Services.AddSingleton<INodeAdministration>(new FakeNodeAdministration());
        Services.AddSingleton<INodeDrain>(_drain);
        Services.AddSingleton<IOperationQueries>(new FakeOperationQueries());
        Services.AddSingleton<ICounterQueries>(_counters);
        AddAuthorization().SetAuthorized("support").SetPolicies(Policies.Staff);
        ViewAs(Staff(PanelRole.Support));
        return (node, queries, Render<NodeDetailPage>(p => p.Add(x => x.Id, node.Id)));
    }

    [Fact]
    public void NodePage_ShowsTheCard_AndAsksAgainOnRequest()
    {
        var (_, _, cut) = RenderPage();
        cut.WaitForAssertion(() => cut.Find("[data-testid=counters-instance-link]").TextContent.ShouldBe("acme-web"));
        _counters.NodeReads.ShouldBe(1);

        cut.Find("[data-testid=counters-refresh]").Click();

        cut.WaitForAssertion(() => _counters.NodeReads.ShouldBe(2));
    }

    [Fact]
    public void NodePage_WhenTheSetOfRunningServersChanges_ReadsAgain()
    {
        var (node, queries, cut) = RenderPage();
        cut.WaitForAssertion(() => _counters.NodeReads.ShouldBe(1));

        queries.Facts = d => d with { Instances = [new NodeInstance(Guid.NewGuid(), "acme-web", InstanceKind.Ct, InstanceState.Running, 2048, 50, 2)] };
        Services.GetRequiredService<PanelEvents>().Publish(new NodeChanged(node.Id, NodeState.Online));

        cut.WaitForAssertion(() => _counters.NodeReads.ShouldBe(2));
    }
}
