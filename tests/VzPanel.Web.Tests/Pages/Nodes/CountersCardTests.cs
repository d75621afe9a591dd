using Bunit;
using VzPanel.Core.Common;
using VzPanel.Web.Components.Pages.Nodes;

namespace VzPanel.Web.Tests.Pages.Nodes;

/// <summary>What both counters cards do alike: progress while the node is asked, its reason when it does not answer, asking again on request.</summary>
public abstract class CountersCardTests<TCard, TView> : VzPanelTestContext where TCard : CountersCard<TView>
{
    private Result<TView> _answer;

    /// <summary>How often the card asked.</summary>
    protected int Reads { get; private set; }

    /// <summary>An answer with rows.</summary>
    protected abstract TView Sample { get; }

    protected IRenderedComponent<TCard> RenderCard(Result<TView> answer)
    {
        _answer = answer;
        return Render<TCard>(p => p.Add(x => x.Read, _ =>
        {
            Reads++;
            return Task.FromResult(_answer);
        }));
    }

    [Fact]
    public void Render_NodeDoesNotAnswer_ShowsTheReason()
    {
        var cut = RenderCard(Error.Unavailable("Node sim-1 did not answer: Connection refused."));

        cut.WaitForAssertion(() => cut.Find("[data-testid=counters-error]").TextContent.ShouldBe("Node sim-1 did not answer: Connection refused."));
        cut.FindAll("[data-testid=counters-table]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_WhileAsking_ShowsProgress_AndNoRefreshYet()
    {
        var never = new TaskCompletionSource<Result<TView>>();

        var cut = Render<TCard>(p => p.Add(x => x.Read, _ => never.Task));

        cut.WaitForAssertion(() => cut.Find("[data-testid=counters-refresh]").HasAttribute("disabled").ShouldBeTrue());
        cut.Markup.ShouldContain("Asking the node");
    }

    [Fact]
    public void Refresh_AsksTheNodeAgain()
    {
        var cut = RenderCard(Error.Unavailable("Node sim-1 did not answer: Deadline Exceeded."));
        cut.WaitForAssertion(() => cut.Find("[data-testid=counters-error]").ShouldNotBeNull());

        _answer = Sample;
        cut.Find("[data-testid=counters-refresh]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=counters-table]").ShouldNotBeNull());
        Reads.ShouldBe(2);
        cut.FindAll("[data-testid=counters-error]").ShouldBeEmpty();
    }
}
