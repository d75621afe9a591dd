using Bunit;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Components.Pages.Operations;
using VzPanel.Web.Security;

namespace VzPanel.Web.Tests.Pages.Operations;

public sealed class OperationsPageTests : VzPanelTestContext
{
    private static readonly Guid Acme = Guid.NewGuid();
    private readonly FakeOperationQueries _operations = new();

    public OperationsPageTests()
    {
        Services.AddSingleton<IOperationQueries>(_operations);
        AddAuthorization().SetAuthorized("alice").SetPolicies(Policies.SignedIn, Policies.ManageInstances);
        Services.AddSingleton(new CurrentAccess(AccessScope.ForTenant(Acme, "alice")));
    }

    private PanelEvents Events => Services.GetRequiredService<PanelEvents>();

    [Fact]
    public void Render_ShowsOperationsNewestFirstWithProgressAndErrors()
    {
        _operations.Items.Add(FakeOperationQueries.Op("Create web-1", OperationState.Succeeded, 100, at: DateTimeOffset.UtcNow.AddMinutes(-10)));
        _operations.Items.Add(FakeOperationQueries.Op("Start web-1", OperationState.Failed, 20, error: "The node is offline."));

        var cut = Render<OperationsPage>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=operations-table] tbody tr").Count.ShouldBe(2));
        var rows = cut.FindAll("[data-testid=operations-table] tbody tr");
        rows[0].TextContent.ShouldContain("Start web-1");
        rows[0].QuerySelector("[data-testid=operation-error]")!.TextContent.ShouldBe("The node is offline.");
        rows[1].QuerySelector("[data-testid=operation-done]").ShouldNotBeNull();
        rows[1].QuerySelector("a[data-testid=operation-target]")!.GetAttribute("href").ShouldStartWith("/instances/");
    }

    [Fact]
    public void OnlyRunning_Switched_ShowsUnfinishedOperationsOnly()
    {
        _operations.Items.Add(FakeOperationQueries.Op("Create web-1", OperationState.Succeeded, 100));
        _operations.Items.Add(FakeOperationQueries.Op("Start web-2", OperationState.Running, 40));
        var cut = Render<OperationsPage>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=operations-table] tbody tr").Count.ShouldBe(2));

        cut.Find("input[data-testid=filter-active]").Change(true);

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=operations-table] tbody tr").Count.ShouldBe(1));
        cut.Find("[data-testid=operations-table] tbody").TextContent.ShouldContain("Start web-2");
    }

    [Fact]
    public void OperationChanged_MovesTheRowsBarLive_AndNewOperationsAppear()
    {
        var running = FakeOperationQueries.Op("Start web-1", OperationState.Running, 20);
        _operations.Items.Add(running);
        var cut = Render<OperationsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=operation-percent]").TextContent.ShouldBe("20 %"));

        Events.Publish(new OperationChanged(running.Id, running.Kind, running.TargetId, "web-1", Acme, null, OperationState.Running, 70, "Booting", null, running.Summary));

        cut.WaitForAssertion(() => cut.Find("[data-testid=operation-percent]").TextContent.ShouldBe("70 %"));

        var queued = FakeOperationQueries.Op("Stop web-1", OperationState.Queued);
        _operations.Items.Add(queued);
        Events.Publish(new OperationChanged(queued.Id, queued.Kind, queued.TargetId, "web-1", Acme, null, OperationState.Queued, 0, null, null, queued.Summary));

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=operations-table] tbody tr").Count.ShouldBe(2));
    }

    [Fact]
    public async Task OperationChanged_OfAnotherTenant_IsIgnored()
    {
        _operations.Items.Add(FakeOperationQueries.Op("Start web-1", OperationState.Running, 20));
        var cut = Render<OperationsPage>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=operations-table] tbody tr").Count.ShouldBe(1));
        var reads = _operations.Lists;

        Events.Publish(new OperationChanged(Guid.NewGuid(), OperationKind.Start, Guid.NewGuid(), "globex-1", Guid.NewGuid(), null,
            OperationState.Running, 50, null, null, "Start globex-1"));
        await Task.Delay(800, Xunit.TestContext.Current.CancellationToken);

        _operations.Lists.ShouldBe(reads);
    }

    [Fact]
    public void InstanceChanged_Deleted_UnlinksItsOperations()
    {
        var target = Guid.NewGuid();
        _operations.Items.Add(FakeOperationQueries.Op("Start web-1", OperationState.Succeeded, 100, target));
        var cut = Render<OperationsPage>();
        cut.WaitForAssertion(() => cut.FindAll("a[data-testid=operation-target]").Count.ShouldBe(1));

        Events.Publish(new InstanceChanged(target, Acme, Guid.NewGuid(), InstanceState.Deleting, Deleted: true));

        cut.WaitForAssertion(() => cut.FindAll("a[data-testid=operation-target]").ShouldBeEmpty());
        cut.Find("[data-testid=operations-table] tbody").TextContent.ShouldContain("Start web-1");
    }

    [Fact]
    public void Render_Nothing_SaysWhatWillAppearHere()
    {
        var cut = Render<OperationsPage>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=operations-empty]").TextContent.ShouldContain("No operations yet"));
    }
}
