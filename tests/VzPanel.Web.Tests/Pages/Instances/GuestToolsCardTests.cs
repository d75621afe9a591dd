using Bunit;
using VzPanel.Core.Common;
using VzPanel.Core.Features.GuestTools;
using VzPanel.Web.Components.Pages.Instances;

namespace VzPanel.Web.Tests.Pages.Instances;

public sealed class GuestToolsCardTests : VzPanelTestContext
{
    private IRenderedComponent<GuestToolsCard> RenderCard(Result<GuestInfoView>? info) =>
        Render<GuestToolsCard>(p => p.Add(x => x.Info, info).Add(x => x.ConfiguredMiB, 2048));

    [Fact]
    public void Render_LinuxGuest_ShowsSidChangeDisabledWithTheReasonAsText()
    {
        var cut = RenderCard(FakeGuestInfoQueries.LinuxGuest);

        var sid = cut.Find("[data-testid=guest-tool-sid-change]");
        sid.GetAttribute("aria-disabled").ShouldBe("true");
        sid.TextContent.ShouldContain("SID change");
        sid.QuerySelector("[data-testid=guest-tool-reason]")!.TextContent.ShouldBe(FakeGuestInfoQueries.SidChangeOnLinux);
        foreach (var tool in new[] { "exec", "set-password", "network" })
        {
            var item = cut.Find($"[data-testid=guest-tool-{tool}]");
            item.GetAttribute("aria-disabled").ShouldBe("false");
            item.QuerySelectorAll("[data-testid=guest-tool-reason]").ShouldBeEmpty();
        }
        cut.Find("[data-testid=guest-agent]").TextContent.ShouldContain("The guest agent answers.");
        cut.Find("[data-testid=guest-os]").TextContent.ShouldBe("Debian GNU/Linux 12 (bookworm)");   // the version is in the name already
        cut.Find("[data-testid=guest-kernel]").TextContent.ShouldBe("6.1.0-28-amd64");
        cut.Find("[data-testid=guest-memory-caption]").TextContent.ShouldBe("The guest sees 2 GiB; 1.4 GiB available.");
    }

    [Fact]
    public void Render_StoppedGuest_SaysWhyItDoesNotAnswer_AndDisablesEveryTool()
    {
        const string Stopped = "the guest is stopped";
        var silent = new GuestInfoView(false, Stopped, null, null, null, null, 0, 0,
            [.. GuestToolNames.All.Select(n => new GuestToolView(n, false, Stopped))]);

        var cut = RenderCard(silent);

        cut.Find("[data-testid=guest-agent]").TextContent.ShouldContain("The guest agent does not answer: the guest is stopped.");
        cut.FindAll("[data-testid=guest-os]").ShouldBeEmpty();
        cut.FindAll("[aria-disabled=true]").Count.ShouldBe(4);
    }

    [Fact]
    public void Render_NodeDoesNotAnswer_ShowsTheReason()
    {
        var cut = RenderCard(Error.Unavailable("Node sim-1 did not answer: Connection refused (127.0.0.1:7443)."));

        cut.Find("[data-testid=guest-error]").TextContent.ShouldContain("Node sim-1 did not answer: Connection refused");
        cut.FindAll("[data-testid=guest-tool-list]").ShouldBeEmpty();
    }

    [Fact]
    public void Render_WhileAsking_ShowsProgress() =>
        RenderCard(null).Markup.ShouldContain("Asking the guest");
}
