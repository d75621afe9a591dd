using Bunit;
using VzPanel.Core.Features.Operations;
using VzPanel.Web.Components.Shared;
using VzPanel.Web.Tests.Pages.Operations;

namespace VzPanel.Web.Tests.Shared;

public sealed class OperationProgressTests : VzPanelTestContext
{
    [Fact]
    public void Render_Running_ShowsPercentAndStep()
    {
        var op = FakeOperationQueries.Op("Start web-1", OperationState.Running, percent: 40, step: "Starting on sim-1");

        var cut = Render<OperationProgress>(p => p.Add(x => x.Operation, op));

        cut.Find("[data-testid=operation-percent]").TextContent.ShouldBe("40 %");
        cut.Find("[data-testid=operation-step]").TextContent.ShouldBe("Starting on sim-1");
        cut.Find("[data-testid=operation-state]").TextContent.ShouldContain("Running");
        cut.Find("[role=progressbar]").GetAttribute("aria-valuenow").ShouldBe("40");
        cut.FindAll("[data-testid=operation-error]").ShouldBeEmpty();
        cut.FindAll("[data-testid=operation-done]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_Failed_ShowsTheErrorInRed()
    {
        var op = FakeOperationQueries.Op("Start web-1", OperationState.Failed, percent: 20, error: "The node sim-1 did not answer.");

        var cut = Render<OperationProgress>(p => p.Add(x => x.Operation, op));

        var error = cut.Find("[data-testid=operation-error]");
        error.TextContent.ShouldBe("The node sim-1 did not answer.");
        error.ClassList.ShouldContain("mud-error-text");
        cut.FindAll("[data-testid=operation-done]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_Succeeded_ShowsDoneAtAHundredPercent()
    {
        var op = FakeOperationQueries.Op("Start web-1", OperationState.Succeeded, percent: 90);

        var cut = Render<OperationProgress>(p => p.Add(x => x.Operation, op));

        cut.Find("[data-testid=operation-done]").TextContent.ShouldContain("Done");
        cut.Find("[data-testid=operation-percent]").TextContent.ShouldBe("100 %");
        cut.FindAll("[data-testid=operation-step]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_Queued_SaysItWaits()
    {
        var op = FakeOperationQueries.Op("Start web-1", OperationState.Queued);

        var cut = Render<OperationProgress>(p => p.Add(x => x.Operation, op).Add(x => x.ShowSummary, true));

        cut.Find("[data-testid=operation-step]").TextContent.ShouldBe("Waiting for a worker");
        cut.Markup.ShouldContain("Start web-1");
    }
}
