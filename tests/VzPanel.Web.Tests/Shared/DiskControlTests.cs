using Bunit;
using VzPanel.Web.Components.Shared;

namespace VzPanel.Web.Tests.Shared;

public sealed class DiskControlTests : VzPanelTestContext
{
    private long? _grown;

    private IRenderedComponent<DiskControl> RenderControl(long current = 10, long? allocated = 1024, bool busy = false, string? locked = null) =>
        Render<DiskControl>(p => p
            .Add(x => x.CurrentGiB, current).Add(x => x.AllocatedMiB, allocated).Add(x => x.Busy, busy).Add(x => x.LockedReason, locked)
            .Add(x => x.OnGrow, (long gib) => _grown = gib));

    [Fact]
    public void Render_ShowsTheSizeAndWhatTheNodeHolds()
    {
        var cut = RenderControl(current: 20, allocated: 1536);

        cut.Find("[data-testid=disk-current]").TextContent.ShouldBe("20 GiB");
        cut.Find("[data-testid=disk-allocated]").TextContent.ShouldBe("1.5 GiB in use on the node");
        cut.Find("[data-testid=disk-grow]").HasAttribute("disabled").ShouldBeTrue();   // nothing typed yet
    }

    [Fact]
    public void Render_BeforeAnyReport_LeavesTheAllocationOut()
    {
        var cut = RenderControl(allocated: null);

        cut.FindAll("[data-testid=disk-allocated]").ShouldBeEmpty();
    }

    [Fact]
    public void Grow_AfterTypingALargerSize_EmitsThoseGiB()
    {
        var cut = RenderControl();
        cut.Find("input[data-testid=disk-input]").Input("25");

        cut.WaitForAssertion(() => cut.Find("[data-testid=disk-grow]").HasAttribute("disabled").ShouldBeFalse());
        cut.Find("[data-testid=disk-grow]").Click();

        _grown.ShouldBe(25);
    }

    [Fact]
    public void Number_SmallerThanTheDisk_SaysDisksOnlyGrowAndDisablesGrow()
    {
        var cut = RenderControl(current: 20);

        cut.Find("input[data-testid=disk-input]").Input("15");

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Disks only grow: choose more than 20 GiB."));
        cut.Find("[data-testid=disk-grow]").HasAttribute("disabled").ShouldBeTrue();
        _grown.ShouldBeNull();
    }

    [Fact]
    public void Number_AboveTheLargestDisk_SaysSoAndDisablesGrow()
    {
        var cut = RenderControl();

        cut.Find("input[data-testid=disk-input]").Input("4096");

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("A disk is at most 2048 GiB."));
        cut.Find("[data-testid=disk-grow]").HasAttribute("disabled").ShouldBeTrue();
    }

    [Fact]
    public void Grow_WhileAnOperationRuns_IsDisabledEvenWhenLarger()
    {
        var cut = RenderControl(busy: true);

        cut.Find("input[data-testid=disk-input]").Input("30");

        cut.WaitForAssertion(() => cut.Find("input[data-testid=disk-input]").GetAttribute("value").ShouldBe("30"));
        cut.Find("[data-testid=disk-grow]").HasAttribute("disabled").ShouldBeTrue();
    }

    [Fact]
    public void Render_Locked_ShowsWhyAndDisablesTheFieldAndTheButton()
    {
        var cut = RenderControl(locked: "Support accounts are read-only; ask an administrator or the customer.");

        cut.Find("[data-testid=disk-locked]").TextContent.ShouldBe("Support accounts are read-only; ask an administrator or the customer.");
        cut.Find("input[data-testid=disk-input]").HasAttribute("disabled").ShouldBeTrue();
        cut.Find("[data-testid=disk-grow]").HasAttribute("disabled").ShouldBeTrue();
        cut.Find("[data-testid=disk-current]").TextContent.ShouldBe("10 GiB");
    }

    [Fact]
    public void CurrentChanged_AfterTheGrowth_StartsFromTheNewSize()
    {
        var cut = RenderControl(current: 10);
        cut.Find("input[data-testid=disk-input]").Input("20");

        cut.Render(p => p.Add(x => x.CurrentGiB, 20L));

        cut.Instance.Value.ShouldBe(20);
        cut.Find("[data-testid=disk-current]").TextContent.ShouldBe("20 GiB");
        cut.Find("[data-testid=disk-grow]").HasAttribute("disabled").ShouldBeTrue();
    }
}
