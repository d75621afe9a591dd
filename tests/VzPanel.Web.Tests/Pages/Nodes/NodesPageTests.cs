using Bunit;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Web.Components.Pages.Nodes;
using VzPanel.Web.Security;

namespace VzPanel.Web.Tests.Pages.Nodes;

public sealed class NodesPageTests : VzPanelTestContext
{
    private readonly FakeNodeQueries _queries = new();

    public NodesPageTests()
    {
        Services.AddSingleton<INodeQueries>(_queries);
        Services.AddSingleton<INodeAdministration>(new FakeNodeAdministration());
    }

    [Fact]
    public void NodeChanged_AfterAHeartbeat_UpdatesTheListWithoutAReload()
    {
        AddAuthorization().SetAuthorized("support").SetPolicies(Policies.Staff);
        ViewAs(Staff(PanelRole.Support));
        var node = FakeNodeQueries.Node("sim-1", NodeState.Online, instances: 2);
        _queries.Nodes.Add(node);
        var cut = Render<NodesPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=node-state]").TextContent.ShouldBe("Online"));

        _queries.Nodes[0] = node with { State = NodeState.Offline };
        Services.GetRequiredService<PanelEvents>().Publish(new NodeChanged(node.Id, NodeState.Offline));

        cut.WaitForAssertion(() => cut.Find("[data-testid=node-state]").TextContent.ShouldBe("Offline"));
    }

    [Fact]
    public void Render_NoNodes_ExplainsHowToAddOne_AndSupportCannotAdd()
    {
        AddAuthorization().SetAuthorized("support").SetPolicies(Policies.Staff);

        var cut = Render<NodesPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=nodes-empty]").TextContent.ShouldContain("join token"));
        cut.FindAll("[data-testid=add-node]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_ForAdmin_OffersAddNodeAndShowsDrift()
    {
        AddAuthorization().SetAuthorized("admin").SetPolicies(Policies.Staff, Policies.Admin);
        _queries.Nodes.Add(FakeNodeQueries.Node("sim-2", NodeState.Online, drift: 3));

        var cut = Render<NodesPage>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=add-node]").Count.ShouldBe(1));
        cut.Find("[data-testid=nodes-table]").TextContent.ShouldContain("sim-2");
        cut.Find("[data-testid=nodes-table] .mud-chip-color-warning").TextContent.ShouldContain("3");
    }
}
