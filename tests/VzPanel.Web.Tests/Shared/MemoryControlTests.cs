using Bunit;
using VzPanel.Web.Components.Shared;

namespace VzPanel.Web.Tests.Shared;

public sealed class MemoryControlTests : VzPanelTestContext
{
    private long? _applied;

    private IRenderedComponent<MemoryControl> RenderControl(long current = 2048, int guarantee = 50, bool busy = false, long? requested = null) =>
        Render<MemoryControl>(p => p
            .Add(x => x.CurrentMiB, current).Add(x => x.MinMiB, 512).Add(x => x.MaxMiB, 8192).Add(x => x.GuaranteePercent, guarantee)
            .Add(x => x.Busy, busy).Add(x => x.RequestedMiB, requested).Add(x => x.OnApply, (long mib) => _applied = mib));

    [Fact]
    public void Slider_Moved_UpdatesTheNumberAndTheGuaranteedAmount()
    {
        var cut = RenderControl();
        cut.Find("[data-testid=memory-guaranteed]").TextContent.ShouldBe("1 GiB");

        cut.Find("input[type=range]").Input("4096");

        cut.WaitForAssertion(() => cut.Find("input[data-testid=memory-input]").GetAttribute("value").ShouldBe("4096"));
        cut.Find("[data-testid=memory-guaranteed]").TextContent.ShouldBe("2 GiB");
        cut.Find("[data-testid=memory-burstable]").TextContent.ShouldBe("2 GiB");
        cut.Instance.Value.ShouldBe(4096);
    }

    [Fact]
    public void Number_Typed_MovesTheSlider()
    {
        var cut = RenderControl();

        cut.Find("input[data-testid=memory-input]").Input("3000");

        cut.WaitForAssertion(() => cut.Find("input[type=range]").GetAttribute("value").ShouldBe("3000"));
        cut.Find("[data-testid=memory-guaranteed]").TextContent.ShouldBe("1.5 GiB");   // 1500 MiB
    }

    [Fact]
    public void Number_AbovePlanMaximum_ExplainsTheBoundsAndDisablesApply()
    {
        var cut = RenderControl();

        cut.Find("input[data-testid=memory-input]").Input("9000");

        cut.WaitForAssertion(() => cut.Markup.ShouldContain("The plan allows 512 MiB to 8 GiB"));
        cut.Find("[data-testid=memory-apply]").HasAttribute("disabled").ShouldBeTrue();
        cut.Find("input[type=range]").GetAttribute("value").ShouldBe("8192");   // the slider stays on its scale
    }

    [Fact]
    public void Apply_Unchanged_IsDisabled()
    {
        var cut = RenderControl();

        cut.Find("[data-testid=memory-apply]").HasAttribute("disabled").ShouldBeTrue();
    }

    [Fact]
    public void Apply_WhileAnOperationRuns_IsDisabledEvenWhenChanged()
    {
        var cut = RenderControl(busy: true);

        cut.Find("input[data-testid=memory-input]").Input("4096");

        cut.WaitForAssertion(() => cut.Find("[data-testid=memory-guaranteed]").TextContent.ShouldBe("2 GiB"));
        cut.Find("[data-testid=memory-apply]").HasAttribute("disabled").ShouldBeTrue();
    }

    [Fact]
    public void Apply_AfterTypingAnExactSize_EmitsThoseMiB()
    {
        var cut = RenderControl();
        cut.Find("input[data-testid=memory-input]").Input("3333");

        cut.WaitForAssertion(() => cut.Find("[data-testid=memory-apply]").HasAttribute("disabled").ShouldBeFalse());
        cut.Find("[data-testid=memory-apply]").Click();

        _applied.ShouldBe(3333);
    }

    [Fact]
    public void Render_WhileAChangeRuns_ShowsTheRequestedSize()
    {
        var cut = RenderControl(current: 2048, requested: 4096, busy: true);

        cut.Find("[data-testid=memory-current]").TextContent.ShouldBe("2 GiB");
        cut.Find("[data-testid=memory-requested]").TextContent.ShouldContain("4 GiB");
    }

    [Fact]
    public void CurrentChanged_AfterTheOperation_StartsFromTheNewSize()
    {
        var cut = RenderControl(current: 2048);
        cut.Find("input[data-testid=memory-input]").Input("4096");

        cut.Render(p => p.Add(x => x.CurrentMiB, 4096L));

        cut.Instance.Value.ShouldBe(4096);
        cut.Find("[data-testid=memory-current]").TextContent.ShouldBe("4 GiB");
        cut.Find("[data-testid=memory-apply]").HasAttribute("disabled").ShouldBeTrue();
    }

    [Fact]
    public void Render_ReadOnly_ShowsTheSizesButNoControls()
    {
        var cut = Render<MemoryControl>(p => p.Add(x => x.CurrentMiB, 2048L).Add(x => x.GuaranteePercent, 25).Add(x => x.ReadOnly, true));

        cut.FindAll("[data-testid=memory-apply]").ShouldBeEmpty();
        cut.FindAll("input").ShouldBeEmpty();
        cut.Find("[data-testid=memory-guaranteed]").TextContent.ShouldBe("512 MiB");
    }
}
