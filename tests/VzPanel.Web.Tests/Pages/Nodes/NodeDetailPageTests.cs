using Bunit;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;
using VzPanel.Web.Tests.Pages.Operations;
using VzPanel.Web.Components.Pages.Nodes;
using VzPanel.Web.Security;

namespace VzPanel.Web.Tests.Pages.Nodes;

public sealed class NodeDetailPageTests : VzPanelTestContext
{
    private readonly FakeNodeQueries _queries = new();
    private readonly FakeNodeObservations _live = new();
    private readonly FakeNodeDrain _drain = new();

    public NodeDetailPageTests()
    {
        Services.AddSingleton<INodeQueries>(_queries);
        Services.AddSingleton<INodeObservations>(_live);
        Services.AddSingleton<INodeAdministration>(new FakeNodeAdministration());
        Services.AddSingleton<INodeDrain>(_drain);
        Services.AddSingleton<IOperationQueries>(new FakeOperationQueries());
        Services.AddSingleton<ICounterQueries>(new FakeCounterQueries());
        AddAuthorization().SetAuthorized("support").SetPolicies(Policies.Staff);
        ViewAs(Staff(PanelRole.Support));
    }

    private (NodeSummary Node, IRenderedComponent<NodeDetailPage> Page) RenderNode(string name, EngineKind engine = EngineKind.Sim)
    {
        var node = FakeNodeQueries.Node(name, NodeState.Online) with { Engine = engine };
        _queries.Nodes.Add(node);
        var cut = Render<NodeDetailPage>(p => p.Add(x => x.Id, node.Id));
        cut.WaitForAssertion(() => cut.Find("h1").TextContent.ShouldBe(name));
        return (node, cut);
    }

    [Fact]
    public void Render_LibvirtNode_ShowsPlatformCapabilitiesAndTemplateCache()
    {
        _queries.Facts = d => d with
        {
            Versions = new Dictionary<string, string> { ["kernel"] = "6.1.0-28-amd64", ["qemu"] = "7.2.0", ["agent"] = "1.0", ["libvirt"] = "9.0.0" },
            Capabilities = ["template-cache", "guest-agent", "memory-hotplug"], Accelerator = "tcg",
            Templates = [new NodeTemplate("vzpanel-test-guest", InstanceKind.Vm, "1.0")],
        };

        var (_, cut) = RenderNode("kvm-1", EngineKind.Libvirt);

        var platform = cut.Find("[data-testid=node-platform]");
        cut.Find("[data-testid=node-engine-value]").TextContent.ShouldBe("libvirt");
        cut.Find("[data-testid=node-accelerator]").TextContent.ShouldContain("tcg");
        cut.Find("[data-testid=accelerator-hint]").TextContent.ShouldBe("tcg = software emulation, slow; kvm = hardware");
        platform.QuerySelectorAll("dt").Select(d => d.TextContent).ShouldBe(["Accelerator", "libvirt", "QEMU", "Kernel", "Agent"]);
        cut.Find("[data-testid=version-qemu]").TextContent.ShouldBe("7.2.0");
        cut.FindAll("[data-testid=capability]").Select(c => c.TextContent.Trim()).ShouldBe(["guest-agent", "memory-hotplug", "template-cache"]);
        cut.Find("[data-testid=node-template]").TextContent.ShouldContain("vzpanel-test-guest");
        cut.Find("[data-testid=node-templates]").TextContent.ShouldContain("placed here only if they use one of these");
    }

    [Fact]
    public void Render_SimNode_SaysItTakesAnyTemplate_AndShowsLiveFigures()
    {
        var (_, cut) = RenderNode("sim-1");

        cut.Find("[data-testid=templates-any]").TextContent.ShouldContain("builds from any template");
        cut.FindAll("[data-testid=drain]").ShouldBeEmpty();   // support looks, admins drain
        cut.Find("[data-testid=capabilities-empty]").TextContent.ShouldContain("not reported any capabilities");
        cut.WaitForAssertion(() => cut.Find("[data-testid=ksm-saved]").TextContent.ShouldBe("21 MiB"));
        cut.Find("[data-testid=ksm-state]").TextContent.ShouldBe("merging");
        cut.Find("[data-testid=storage-pool]").TextContent.ShouldContain("default (dir)");
        cut.Find("[data-testid=storage-pool]").TextContent.ShouldContain("88 GiB available");
    }

    [Fact]
    public void Render_AgentDoesNotAnswer_ShowsWhy_AndAsksAgainOnRequest()
    {
        _live.Answer = Error.Unavailable("Node sim-9 did not answer: Connection refused (127.0.0.1:7443).");
        var (_, cut) = RenderNode("sim-9");
        cut.WaitForAssertion(() => cut.Find("[data-testid=live-error]").TextContent.ShouldContain("did not answer: Connection refused"));
        var reads = _live.Reads;

        cut.Find("[data-testid=live-refresh]").Click();

        cut.WaitForAssertion(() => _live.Reads.ShouldBe(reads + 1));
        cut.Find("[data-testid=node-platform]").ShouldNotBeNull();   // what the heartbeats said still shows
    }

    [Fact]
    public void NodeChanged_ForThisNode_ShowsNewDriftLive()
    {
        var (node, cut) = RenderNode("sim-3");
        cut.FindAll("[data-testid=node-drift]").ShouldBeEmpty();

        _queries.Drift.Add("web-1: inventory says Running, node says Stopped");
        Services.GetRequiredService<PanelEvents>().Publish(new NodeChanged(node.Id, NodeState.Online));

        cut.WaitForAssertion(() => cut.Find("[data-testid=node-drift]").TextContent.ShouldContain("inventory says Running, node says Stopped"));
    }

    [Fact]
    public void Drain_ForAnAdmin_AsksFirst_ThenShowsTheBulkOperation()
    {
        AddAuthorization().SetAuthorized("admin").SetPolicies(Policies.Staff, Policies.Admin);
        var dialogs = Render<MudBlazor.MudDialogProvider>();
        var (node, admin) = RenderNode("sim-1");
        admin.WaitForAssertion(() => admin.Find("[data-testid=drain]"));
        admin.Find("[data-testid=drain]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-yes]"));
        dialogs.Markup.ShouldContain("takes no new servers until you end maintenance");
        dialogs.Find("[data-testid=confirm-yes]").Click();

        admin.WaitForAssertion(() => admin.Find("[data-testid=node-drain]").TextContent.ShouldContain("Drain sim-1: move its 2 servers to other nodes"));
        _drain.Drained.ShouldBe([node.Id]);
    }
}
