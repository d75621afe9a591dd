using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Pages.Instances;
using VzPanel.Web.Security;
using VzPanel.Web.Tests.Pages.Nodes;

namespace VzPanel.Web.Tests.Pages.Instances;

public sealed class InstancesPageTests : VzPanelTestContext
{
    private readonly FakeInstanceQueries _queries = new();
    private readonly FakeInstanceCommands _commands = new();

    public InstancesPageTests()
    {
        Services.AddSingleton<IInstanceQueries>(_queries);
        Services.AddSingleton<IInstanceCommands>(_commands);
        Services.AddSingleton<INodeQueries>(new FakeNodeQueries());
    }

    private void SignInAs(PanelRole role)
    {
        var auth = AddAuthorization().SetAuthorized(role.ToString().ToLowerInvariant());
        _ = role switch
        {
            PanelRole.Admin => auth.SetPolicies(Policies.SignedIn, Policies.Staff, Policies.Admin, Policies.ManageInstances),
            PanelRole.Support => auth.SetPolicies(Policies.SignedIn, Policies.Staff),
            _ => auth.SetPolicies(Policies.SignedIn, Policies.ManageInstances),
        };
        Services.AddSingleton(new CurrentAccess(role == PanelRole.Customer
            ? AccessScope.ForTenant(FakeInstanceQueries.Acme, "alice")
            : new AccessScope(role.ToString().ToLowerInvariant(), null, role, null)));
    }

    [Fact]
    public void Render_ForAdmin_ShowsServersWithNodeOwnerAndNewServerButton()
    {
        SignInAs(PanelRole.Admin);
        _queries.Add(FakeInstanceQueries.Row("web-1"));
        _queries.Add(FakeInstanceQueries.Row("db-1", InstanceState.Stopped, InstanceKind.Vm, tenant: FakeInstanceQueries.Globex, busy: true));

        var cut = Render<InstancesPage>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=instances-table] tbody tr").Count.ShouldBe(2));
        var db = cut.Find("[data-testid=instances-table] tbody tr:first-child");
        db.TextContent.ShouldContain("Globex Shop");
        db.TextContent.ShouldContain("sim-1");
        db.QuerySelector("[data-testid=instance-kind]")!.TextContent.ShouldBe("VM");
        db.QuerySelector("[data-testid=instance-state]")!.GetAttribute("data-busy").ShouldBe("true");
        cut.FindAll("[data-testid=new-server]").Count.ShouldBe(1);
        cut.FindAll("[data-testid=filter-owner]").Count.ShouldBe(1);
    }

    [Fact]
    public void Render_ForSupport_OffersNoNewServerButton()
    {
        SignInAs(PanelRole.Support);
        _queries.Add(FakeInstanceQueries.Row("web-1"));

        var cut = Render<InstancesPage>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=instances-table] tbody tr").Count.ShouldBe(1));
        cut.FindAll("[data-testid=new-server]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_ForCustomer_HidesNodeAndOwner()
    {
        SignInAs(PanelRole.Customer);
        _queries.Add(FakeInstanceQueries.Row("web-1"));

        var cut = Render<InstancesPage>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=instances-table] tbody tr").Count.ShouldBe(1));
        cut.Find("[data-testid=instances-table] thead").TextContent.ShouldNotContain("Owner");
        cut.FindAll("[data-testid=filter-node]").ShouldBeEmpty();
        cut.FindAll("[data-testid=new-server]").Count.ShouldBe(1);
    }

    [Fact]
    public void Render_ManyServers_ReadsOnlyOnePageFromTheService()
    {
        SignInAs(PanelRole.Admin);
        for (var i = 0; i < 120; i++) _queries.Add(FakeInstanceQueries.Row($"ct-{i:000}"));

        var cut = Render<InstancesPage>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=instances-table] tbody tr").Count.ShouldBe(25));
        _queries.Filters.ShouldAllBe(f => f.Take == 25 && f.Skip == 0);
        cut.Find("[data-testid=instances-total]").TextContent.ShouldBe("120 servers");
    }

    [Fact]
    public void Render_NoServers_InvitesToCreateTheFirst()
    {
        SignInAs(PanelRole.Customer);

        var cut = Render<InstancesPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=instances-empty]").TextContent.ShouldContain("No servers yet"));
    }

    [Fact]
    public void Search_Typed_AsksTheServiceForThePrefix()
    {
        SignInAs(PanelRole.Admin);
        _queries.Add(FakeInstanceQueries.Row("web-1"));
        _queries.Add(FakeInstanceQueries.Row("db-1"));
        var cut = Render<InstancesPage>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=instances-table] tbody tr").Count.ShouldBe(2));

        cut.Find("input[data-testid=filter-search]").Input("we");

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=instances-table] tbody tr").Count.ShouldBe(1));
        _queries.Filters[^1].Search.ShouldBe("we");
    }

    [Fact]
    public void InstanceChanged_ForAVisibleServer_UpdatesTheRowLive()
    {
        SignInAs(PanelRole.Customer);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1"));
        var cut = Render<InstancesPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=instance-state]").TextContent.Trim().ShouldBe("Running"));

        _queries.Replace(row with { State = InstanceState.Stopped });
        Services.GetRequiredService<PanelEvents>().Publish(new InstanceChanged(row.Id, FakeInstanceQueries.Acme, row.NodeId, InstanceState.Stopped));

        cut.WaitForAssertion(() => cut.Find("[data-testid=instance-state]").TextContent.Trim().ShouldBe("Stopped"));
    }

    [Fact]
    public async Task Events_OfAnotherTenant_DoNotReloadACustomersList()
    {
        SignInAs(PanelRole.Customer);
        _queries.Add(FakeInstanceQueries.Row("web-1"));
        var cut = Render<InstancesPage>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=instances-table] tbody tr").Count.ShouldBe(1));
        var reads = _queries.Filters.Count;

        var events = Services.GetRequiredService<PanelEvents>();
        events.Publish(new InstanceChanged(Guid.NewGuid(), FakeInstanceQueries.Globex, FakeInstanceQueries.Sim1, InstanceState.Running));
        events.Publish(new OperationChanged(Guid.NewGuid(), OperationKind.Start, Guid.NewGuid(), "globex-1", FakeInstanceQueries.Globex, null,
            OperationState.Running, 50, "Starting", null, "Start globex-1"));
        await Task.Delay(800, Xunit.TestContext.Current.CancellationToken);

        _queries.Filters.Count.ShouldBe(reads);
    }

    [Fact]
    public async Task EventBurst_IsFoldedIntoFewReloads()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1"));
        var cut = Render<InstancesPage>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=instances-table] tbody tr").Count.ShouldBe(1));
        var reads = _queries.Filters.Count;

        var events = Services.GetRequiredService<PanelEvents>();
        for (var i = 0; i < 50; i++)
            events.Publish(new OperationChanged(Guid.NewGuid(), OperationKind.Start, row.Id, "web-1", FakeInstanceQueries.Acme, null, OperationState.Running, i, null, null, "Start"));
        await Task.Delay(700, Xunit.TestContext.Current.CancellationToken);

        (_queries.Filters.Count - reads).ShouldBeInRange(1, 3);
    }

    [Fact]
    public async Task CreateDialog_Succeeded_OpensTheNewServer()
    {
        SignInAs(PanelRole.Admin);
        _queries.Options = _queries.Options with { Tenants = [new(FakeInstanceQueries.Acme, "Acme Hosting")] };   // one customer: chosen already
        var provider = Render<MudDialogProvider>();
        var cut = Render<InstancesPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=new-server]"));

        _ = cut.Find("[data-testid=new-server]").ClickAsync(new());   // the page waits for the dialog to close
        provider.WaitForAssertion(() => provider.Find("input[data-testid=create-name]"));
        provider.Find("input[data-testid=create-name]").Input("web-9");
        await provider.Find("form[data-testid=create-form]").SubmitAsync();

        provider.WaitForAssertion(() => provider.FindAll("[data-testid=create-form]").ShouldBeEmpty());
        _commands.LastCreate!.Spec.Name.ShouldBe("web-9");
        _commands.LastCreate.Spec.Memory.ShouldBe("1024");
        _commands.LastCreate.Spec.Template.ShouldBe("debian-12-x86_64");
        cut.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.ShouldContain("/instances/"));
    }

    [Fact]
    public async Task CreateDialog_ServiceRefusesTheName_ShowsItByTheFieldAndKeepsWhatWasTyped()
    {
        SignInAs(PanelRole.Customer);
        _commands.Answer = Error.Validation("Name", "'web 9' is not a valid name: use letters, digits, '-', '_' and '.'.");
        var provider = Render<MudDialogProvider>();
        var cut = Render<InstancesPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=new-server]"));
        _ = cut.Find("[data-testid=new-server]").ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find("input[data-testid=create-name]"));

        provider.Find("input[data-testid=create-name]").Input("web 9");
        provider.Find("input[data-testid=create-hostname]").Input("web9.example.com");
        await provider.Find("form[data-testid=create-form]").SubmitAsync();

        provider.WaitForAssertion(() => provider.Markup.ShouldContain("is not a valid name"));
        provider.Find("input[data-testid=create-name]").GetAttribute("value").ShouldBe("web 9");
        provider.Find("input[data-testid=create-hostname]").GetAttribute("value").ShouldBe("web9.example.com");
        provider.FindAll("[data-testid=create-error]").ShouldBeEmpty();   // by the field, not in the alert
        _commands.LastCreate!.TenantId.ShouldBeNull();                     // a customer's own tenant is implied
    }

    [Fact]
    public async Task CreateDialog_NoCapacity_ShowsTheServiceMessageInAnAlert()
    {
        SignInAs(PanelRole.Customer);
        _commands.Answer = Error.Conflict("No online node has 4 GiB of guaranteed memory free.");
        var provider = Render<MudDialogProvider>();
        var cut = Render<InstancesPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=new-server]"));
        _ = cut.Find("[data-testid=new-server]").ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find("input[data-testid=create-name]"));

        provider.Find("input[data-testid=create-name]").Input("big-1");
        await provider.Find("[data-testid=create-submit]").ClickAsync(new());

        provider.WaitForAssertion(() => provider.Find("[data-testid=create-error]").TextContent.ShouldContain("No online node has 4 GiB"));
        provider.Find("input[data-testid=create-name]").GetAttribute("value").ShouldBe("big-1");
    }
}
