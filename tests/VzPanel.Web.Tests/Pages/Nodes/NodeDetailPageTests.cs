using Bunit;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Web.Components.Pages.Nodes;
using VzPanel.Web.Security;

namespace VzPanel.Web.Tests.Pages.Nodes;

public sealed class NodeDetailPageTests : VzPanelTestContext
{
    [Fact]
    public void NodeChanged_ForThisNode_ShowsNewDriftLive()
    {
        var queries = new FakeNodeQueries();
        var node = FakeNodeQueries.Node("sim-3", NodeState.Online);
        queries.Nodes.Add(node);
        Services.AddSingleton<INodeQueries>(queries);
        Services.AddSingleton<INodeAdministration>(new FakeNodeAdministration());
        AddAuthorization().SetAuthorized("support").SetPolicies(Policies.Staff);
        var cut = Render<NodeDetailPage>(p => p.Add(x => x.Id, node.Id));
        cut.WaitForAssertion(() => cut.Find("h1").TextContent.ShouldBe("sim-3"));
        cut.FindAll("[data-testid=node-drift]").ShouldBeEmpty();

        queries.Drift.Add("web-1: inventory says Running, node says Stopped");
        Services.GetRequiredService<PanelEvents>().Publish(new NodeChanged(node.Id, NodeState.Online));

        cut.WaitForAssertion(() => cut.Find("[data-testid=node-drift]").TextContent.ShouldContain("inventory says Running, node says Stopped"));
    }
}
