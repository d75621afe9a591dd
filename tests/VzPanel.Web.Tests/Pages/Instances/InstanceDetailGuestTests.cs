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

/// <summary>The guest tools card on a customer's server page: read from the node, and again when the server's state changes.</summary>
public sealed class InstanceDetailGuestTests : VzPanelTestContext
{
    private readonly FakeInstanceQueries _queries = new();
    private readonly FakeGuestInfoQueries _guest = new();

    public InstanceDetailGuestTests()
    {
        Services.AddSingleton<IInstanceQueries>(_queries);
        Services.AddSingleton<IInstanceCommands>(new FakeInstanceCommands());
        Services.AddSingleton<IOperationQueries>(new FakeOperationQueries());
        Services.AddSingleton<IGuestInfoQueries>(_guest);
        Services.AddSingleton<ICounterQueries>(new FakeCounterQueries());
        AddAuthorization().SetAuthorized("acme").SetPolicies(Policies.SignedIn, Policies.ManageInstances);
        Services.AddSingleton(new CurrentAccess(AccessScope.ForTenant(FakeInstanceQueries.Acme)));
    }

    [Fact]
    public void StateChanges_ReadTheGuestAgain()
    {
        var row = _queries.Add(FakeInstanceQueries.Row("web-1", InstanceState.Running));
        var cut = Render<InstanceDetailPage>(p => p.Add(x => x.Id, row.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=guest-tool-sid-change]").TextContent.ShouldContain(FakeGuestInfoQueries.SidChangeOnLinux));
        _guest.Reads.ShouldBe(1);

        _guest.Answer = GuestInfoView.Silent("the guest is stopped");
        _queries.Replace(row with { State = InstanceState.Stopped });
        Services.GetRequiredService<PanelEvents>().Publish(new InstanceChanged(row.Id, row.TenantId, row.NodeId, InstanceState.Stopped));

        cut.WaitForAssertion(() => cut.Find("[data-testid=guest-agent]").TextContent.ShouldContain("does not answer: the guest is stopped"));
        _guest.Reads.ShouldBe(2);
        cut.FindAll("[data-testid=guest-tool-list] [aria-disabled=true]").Count.ShouldBe(4);
    }

    [Fact]
    public void Refresh_AsksTheNodeAgain()
    {
        var row = _queries.Add(FakeInstanceQueries.Row("web-1", InstanceState.Running));
        _guest.Answer = Error.Unavailable("Node sim-1 did not answer: Deadline Exceeded.");
        var cut = Render<InstanceDetailPage>(p => p.Add(x => x.Id, row.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=guest-error]").TextContent.ShouldContain("did not answer"));

        _guest.Answer = FakeGuestInfoQueries.LinuxGuest;
        cut.Find("[data-testid=guest-refresh]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=guest-os]").TextContent.ShouldBe("Debian GNU/Linux 12 (bookworm)"));
    }
}
