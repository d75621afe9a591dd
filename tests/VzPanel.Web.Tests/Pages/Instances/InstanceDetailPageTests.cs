using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using VzPanel.Core.Common;
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

public sealed class InstanceDetailPageTests : VzPanelTestContext
{
    private readonly FakeInstanceQueries _queries = new();
    private readonly FakeInstanceCommands _commands = new();
    private readonly FakeOperationQueries _operations = new();
    private readonly FakeGuestInfoQueries _guest = new();

    public InstanceDetailPageTests()
    {
        Services.AddSingleton<IInstanceQueries>(_queries);
        Services.AddSingleton<IInstanceCommands>(_commands);
        Services.AddSingleton<IOperationQueries>(_operations);
        Services.AddSingleton<IGuestInfoQueries>(_guest);
        Services.AddSingleton<ICounterQueries>(new FakeCounterQueries());
    }

    private PanelEvents Events => Services.GetRequiredService<PanelEvents>();

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
        cut.WaitForAssertion(() => cut.Find("[data-testid=instance-name]").TextContent.ShouldBe(row.Name));
        return cut;
    }

    [Fact]
    public void Render_ForSupport_ShowsEverythingButNoChangeButtons()
    {
        SignInAs(PanelRole.Support);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1"));

        var cut = RenderPage(row);

        cut.Find("[data-testid=instance-facts]").TextContent.ShouldContain("debian-12-x86_64");
        cut.Find("[data-testid=fact-price]").TextContent.ShouldContain("0.018 EUR");
        cut.Find("[data-testid=memory-current]").TextContent.ShouldBe("2 GiB");
        cut.FindAll("[data-testid=power-actions]").ShouldBeEmpty();
        cut.FindAll("button").Where(b => b.TextContent.Contains("Apply", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public void Migrate_RunningOnTheServer_OffersAdminsCancel_AndShowsWhyItWasRefused()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1"));
        _queries.Active[row.Id] = FakeInstanceCommands.Queued(row.Id, OperationKind.Migrate, "Migrate web-1 from sim-1 to sim-2 (live)") with
            { State = OperationState.Running, ProgressPercent = 40, CurrentStep = "Copying memory: 400 of 1,024 MiB, 624 MiB left" };
        var cut = RenderPage(row);

        cut.Find("[data-testid=action-migrate]").HasAttribute("disabled").ShouldBeTrue();   // one operation at a time
        cut.Find("[data-testid=operation-step]").TextContent.ShouldBe("Copying memory: 400 of 1,024 MiB, 624 MiB left");
        cut.Find("[data-testid=migration-cancel]").Click();

        cut.WaitForAssertion(() => MigrationCancel.Cancelled.ShouldBe([_queries.Active[row.Id].Id]));
        cut.WaitForAssertion(() => cut.Markup.ShouldContain("No transfer runs right now."));
    }

    [Fact]
    public void Start_WhenTheServiceSaysBusy_ShowsWhy()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1", InstanceState.Stopped));
        _commands.Answer = Error.Busy("busy: operation 42 (Shut down web-1) is running on web-1; try again when it ends.");
        var cut = RenderPage(row);

        cut.Find("[data-testid=action-start]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=action-error]").TextContent.ShouldContain("try again when it ends"));
        _commands.Calls.ShouldBe(["start"]);
    }

    [Fact]
    public void Render_Running_OffersOnlyWhatARunningServerCanDo()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1", InstanceState.Running));

        var cut = RenderPage(row);

        cut.Find("[data-testid=action-start]").HasAttribute("disabled").ShouldBeTrue();
        cut.Find("[data-testid=action-shutdown]").HasAttribute("disabled").ShouldBeFalse();
        cut.Find("[data-testid=action-restart]").HasAttribute("disabled").ShouldBeFalse();
    }

    [Fact]
    public void OperationChanged_ForThisServer_MovesTheBarAndEndsDone()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1", InstanceState.Stopped));
        var cut = RenderPage(row);
        cut.FindAll("[data-testid=active-operation]").ShouldBeEmpty();
        var id = Guid.NewGuid();

        Events.Publish(Changed(id, row, OperationState.Running, 60, "Starting on sim-1"));

        cut.WaitForAssertion(() => cut.Find("[data-testid=active-operation] [data-testid=operation-percent]").TextContent.ShouldBe("60 %"));
        cut.Find("[data-testid=action-start]").HasAttribute("disabled").ShouldBeTrue();   // busy while it runs

        _queries.Replace(row with { State = InstanceState.Running });
        Events.Publish(Changed(id, row, OperationState.Succeeded, 100, null));

        cut.WaitForAssertion(() => cut.Find("[data-testid=active-operation] [data-testid=operation-done]"));
        cut.WaitForAssertion(() => cut.Find("[data-testid=instance-state]").TextContent.Trim().ShouldBe("Running"));
    }

    [Fact]
    public void OperationChanged_Failed_ShowsTheErrorInRed()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1"));
        var cut = RenderPage(row);

        Events.Publish(Changed(Guid.NewGuid(), row, OperationState.Failed, 20, null, "The node refused: not enough memory."));

        cut.WaitForAssertion(() => cut.Find("[data-testid=operation-error]").TextContent.ShouldBe("The node refused: not enough memory."));
    }

    [Fact]
    public void OperationChanged_ForAnotherServer_IsIgnored()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1"));
        var other = FakeInstanceQueries.Row("web-2");
        var cut = RenderPage(row);

        Events.Publish(Changed(Guid.NewGuid(), other, OperationState.Running, 50, "Starting"));
        Events.Publish(Changed(Guid.NewGuid(), row, OperationState.Running, 10, "Shutting down"));

        cut.WaitForAssertion(() => cut.Find("[data-testid=operation-step]").TextContent.ShouldBe("Shutting down"));
        cut.FindAll("[data-testid=operation-progress]").Count.ShouldBe(1);
    }

    [Fact]
    public void MemoryApply_AsksTheServiceForTheExactMiB_AndShowsItAsRequested()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1", memoryMiB: 2048));
        var cut = RenderPage(row);

        cut.Find("input[data-testid=memory-input]").Input("3072");
        cut.WaitForAssertion(() => cut.Find("[data-testid=memory-apply]").HasAttribute("disabled").ShouldBeFalse());
        cut.Find("[data-testid=memory-apply]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=memory-requested]").TextContent.ShouldContain("3 GiB"));
        _commands.Calls.ShouldBe(["memory 3072"]);
        cut.Find("[data-testid=memory-apply]").HasAttribute("disabled").ShouldBeTrue();
    }

    [Fact]
    public void TheMemoryControl_ShowsThePriceAfter_AsTheValueChanges_BeforeAnythingIsApplied()
    {
        SignInAs(PanelRole.Customer);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1", memoryMiB: 2048));
        var cut = RenderPage(row);
        cut.Find("[data-testid=memory-price-after]").TextContent.ShouldBe("0.018 EUR");
        cut.FindAll("[data-testid=memory-price-difference]").ShouldBeEmpty();

        cut.Find("input[data-testid=memory-input]").Input("3072");
        cut.WaitForAssertion(() => cut.Find("[data-testid=memory-price-after]").TextContent.ShouldBe("0.022 EUR"));
        cut.Find("[data-testid=memory-price-monthly-after]").TextContent.ShouldBe("16.06 EUR");
        cut.Find("[data-testid=memory-price]").TextContent.ShouldContain("Now 0.018 EUR per hour (13.14 EUR a month)");
        cut.Find("[data-testid=memory-price-difference]").TextContent.Trim().ShouldBe("+2.92 EUR a month");

        cut.Find("input[data-testid=memory-input]").Input("1024");
        cut.WaitForAssertion(() => cut.Find("[data-testid=memory-price-difference]").TextContent.Trim().ShouldBe("-2.92 EUR a month"));
        cut.Find("input[data-testid=vcpus-input]").Input("4");
        cut.WaitForAssertion(() => cut.Find("[data-testid=vcpus-price-difference]").TextContent.Trim().ShouldBe("+7.30 EUR a month"));
        _commands.Calls.ShouldBeEmpty();
    }

    [Fact]
    public void GuaranteeAndVCpus_Applied_AskTheServiceForTheNewValues()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1", memoryMiB: 2048, guarantee: 50));
        var cut = RenderPage(row);
        cut.Find("[data-testid=guarantee-apply]").HasAttribute("disabled").ShouldBeTrue();

        cut.Find("input[data-testid=guarantee-input]").Input("75");
        cut.WaitForAssertion(() => cut.Find("[data-testid=guarantee]").TextContent.ShouldContain("1.5 GiB of 2 GiB always in RAM"));
        cut.Find("[data-testid=guarantee-apply]").Click();

        cut.WaitForAssertion(() => _commands.Calls.ShouldBe(["guarantee 75"]));
        cut.Find("[data-testid=vcpus-apply]").HasAttribute("disabled").ShouldBeTrue();   // one operation at a time
    }

    [Fact]
    public void Delete_NeedsTheNameTyped_ThenAsksTheService()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1"));
        var provider = Render<MudDialogProvider>();
        var cut = RenderPage(row);

        _ = cut.Find("[data-testid=action-delete]").ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find("[data-testid=confirm-message]").TextContent.ShouldContain("Delete web-1"));
        provider.Find("[data-testid=confirm-yes]").HasAttribute("disabled").ShouldBeTrue();
        provider.Find("input[data-testid=confirm-name]").Input("web-1");
        provider.WaitForAssertion(() => provider.Find("[data-testid=confirm-yes]").HasAttribute("disabled").ShouldBeFalse());
        provider.Find("[data-testid=confirm-yes]").Click();

        cut.WaitForAssertion(() => _commands.Calls.ShouldBe(["delete"]));
    }

    [Fact]
    public void PowerOff_Cancelled_DoesNothing()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1"));
        var provider = Render<MudDialogProvider>();
        var cut = RenderPage(row);

        _ = cut.Find("[data-testid=action-poweroff]").ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find("[data-testid=confirm-cancel]"));
        provider.Find("[data-testid=confirm-cancel]").Click();

        provider.WaitForAssertion(() => provider.FindAll("[data-testid=confirm-message]").ShouldBeEmpty());
        _commands.Calls.ShouldBeEmpty();
    }

    [Fact]
    public void InstanceChanged_Deleted_SaysSoAndLinksBack()
    {
        SignInAs(PanelRole.Admin);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1"));
        var cut = RenderPage(row);

        _queries.Rows.Clear();
        Events.Publish(new InstanceChanged(row.Id, row.TenantId, row.NodeId, InstanceState.Deleting, Deleted: true));

        cut.WaitForAssertion(() => cut.Find("[data-testid=instance-deleted]").TextContent.ShouldContain("web-1 was deleted"));
        cut.Find("[data-testid=back-to-list]").GetAttribute("href").ShouldBe("/instances");
    }

    [Fact]
    public void Render_WithRecentOperations_ListsThemNewestFirst()
    {
        SignInAs(PanelRole.Support);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1"));
        _operations.Items.Add(FakeOperationQueries.Op("Create web-1", OperationState.Succeeded, 100, row.Id, at: DateTimeOffset.UtcNow.AddMinutes(-5)));
        _operations.Items.Add(FakeOperationQueries.Op("Memory of web-1: 1G → 2G", OperationState.Failed, 20, row.Id, error: "refused"));
        _operations.Items.Add(FakeOperationQueries.Op("Start other", OperationState.Succeeded, 100));

        var cut = RenderPage(row);

        var items = cut.FindAll("[data-testid=recent-operation]");
        items.Count.ShouldBe(2);
        items[0].TextContent.ShouldContain("Memory of web-1");
        items[1].TextContent.ShouldContain("Create web-1");
    }

    [Fact]
    public void Render_AfterACreateThatFinishedBeforeThePageLoaded_ShowsItAsTheLastOperation()
    {
        SignInAs(PanelRole.Customer);
        var row = _queries.Add(FakeInstanceQueries.Row("web-1"));
        var create = FakeOperationQueries.Op("Create web-1", OperationState.Succeeded, 100, row.Id, kind: OperationKind.Create);
        _operations.Items.Add(create);
        _operations.Items.Add(FakeOperationQueries.Op("Start web-1", OperationState.Succeeded, 100, row.Id, at: DateTimeOffset.UtcNow.AddMinutes(-1)));

        Services.GetRequiredService<NavigationManager>().NavigateTo($"/instances/{row.Id}?operation={create.Id}");
        var cut = Render<InstanceDetailPage>(p => p.Add(x => x.Id, row.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=active-operation]").TextContent.ShouldContain("Create web-1"));
        cut.Find("[data-testid=active-operation]").TextContent.ShouldContain("Last operation");
        cut.Find("[data-testid=active-operation] [data-testid=operation-progress]").GetAttribute("data-state").ShouldBe("Succeeded");
    }

    private static OperationChanged Changed(Guid id, InstanceRow row, OperationState state, int percent, string? step, string? error = null) =>
        new(id, OperationKind.Start, row.Id, row.Name, row.TenantId, row.NodeId, state, percent, step, error, $"Start {row.Name}");
}
