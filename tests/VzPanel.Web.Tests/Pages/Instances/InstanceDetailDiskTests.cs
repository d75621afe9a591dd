using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.GuestTools;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Pages.Instances;
using VzPanel.Web.Security;
using VzPanel.Web.Tests.Pages.Nodes;
using VzPanel.Web.Tests.Pages.Operations;

namespace VzPanel.Web.Tests.Pages.Instances;

/// <summary>The disk card on a server's page: grown only after the person confirms, locked with the reason for support and containers.</summary>
public sealed class InstanceDetailDiskTests : VzPanelTestContext
{
    private readonly FakeInstanceQueries _queries = new() { DiskGiB = 10, DiskAllocatedMiB = 1024 };
    private readonly FakeInstanceCommands _commands = new();

    public InstanceDetailDiskTests()
    {
        Services.AddSingleton<IInstanceQueries>(_queries);
        Services.AddSingleton<IInstanceCommands>(_commands);
        Services.AddSingleton<IOperationQueries>(new FakeOperationQueries());
        Services.AddSingleton<IGuestInfoQueries>(new FakeGuestInfoQueries());
        Services.AddSingleton<ICounterQueries>(new FakeCounterQueries());
    }

    private void SignInAs(PanelRole role)
    {
        var auth = AddAuthorization().SetAuthorized(role.ToString().ToLowerInvariant());
        _ = role == PanelRole.Support
            ? auth.SetPolicies(Policies.SignedIn, Policies.Staff)
            : auth.SetPolicies(Policies.SignedIn, Policies.Staff, Policies.Admin, Policies.ManageInstances);
        Services.AddSingleton(new CurrentAccess(new AccessScope(role.ToString().ToLowerInvariant(), null, role, null)));
    }

    private IRenderedComponent<InstanceDetailPage> RenderPage(InstanceRow row)
    {
        var cut = Render<InstanceDetailPage>(p => p.Add(x => x.Id, row.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=disk-current]").TextContent.ShouldBe("10 GiB"));
        return cut;
    }

    [Fact]
    public void Grow_Confirmed_AsksTheServiceForTheNewSizeAndShowsItGrowing()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("vm-1", kind: InstanceKind.Vm));
        var provider = Render<MudDialogProvider>();
        var cut = RenderPage(row);
        cut.Find("[data-testid=disk-allocated]").TextContent.ShouldBe("1 GiB in use on the node");
        cut.Find("input[data-testid=disk-input]").Input("20");
        cut.WaitForAssertion(() => cut.Find("[data-testid=disk-grow]").HasAttribute("disabled").ShouldBeFalse());

        _ = cut.Find("[data-testid=disk-grow]").ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find("[data-testid=confirm-message]").TextContent
            .ShouldBe("Grow the disk of vm-1 from 10 GiB to 20 GiB? Disks only grow."));
        _commands.Calls.ShouldBeEmpty();
        provider.Find("[data-testid=confirm-yes]").Click();

        cut.WaitForAssertion(() => _commands.Calls.ShouldBe(["disk 20G"]));
        cut.WaitForAssertion(() => cut.Find("[data-testid=disk-requested]").TextContent.ShouldContain("20 GiB"));
        cut.Find("[data-testid=disk-grow]").HasAttribute("disabled").ShouldBeTrue();   // one operation at a time
    }

    [Fact]
    public void Grow_Cancelled_DoesNothing()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("vm-1", kind: InstanceKind.Vm));
        var provider = Render<MudDialogProvider>();
        var cut = RenderPage(row);
        cut.Find("input[data-testid=disk-input]").Input("20");
        cut.WaitForAssertion(() => cut.Find("[data-testid=disk-grow]").HasAttribute("disabled").ShouldBeFalse());

        _ = cut.Find("[data-testid=disk-grow]").ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find("[data-testid=confirm-cancel]"));
        provider.Find("[data-testid=confirm-cancel]").Click();

        provider.WaitForAssertion(() => provider.FindAll("[data-testid=confirm-message]").ShouldBeEmpty());
        _commands.Calls.ShouldBeEmpty();
    }

    [Fact]
    public void Render_ForSupport_LocksTheDiskAndSaysWhy()
    {
        SignInAs(PanelRole.Support);
        var row = _queries.Add(FakeInstanceQueries.Row("vm-1", kind: InstanceKind.Vm));

        var cut = RenderPage(row);

        cut.Find("[data-testid=disk-locked]").TextContent.ShouldContain("Support accounts are read-only");
        cut.Find("input[data-testid=disk-input]").HasAttribute("disabled").ShouldBeTrue();
        cut.Find("[data-testid=disk-grow]").HasAttribute("disabled").ShouldBeTrue();
    }

    [Fact]
    public void Render_Container_LocksTheDiskAndSaysItHasNone()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("ct-1", kind: InstanceKind.Ct));

        var cut = RenderPage(row);

        cut.Find("[data-testid=disk-locked]").TextContent.ShouldContain("a folder on the node with no size of its own");
        cut.Find("[data-testid=disk-grow]").HasAttribute("disabled").ShouldBeTrue();
    }
}
