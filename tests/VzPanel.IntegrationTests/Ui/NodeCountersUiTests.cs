using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VzPanel.IntegrationTests.Host;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;

namespace VzPanel.IntegrationTests.Ui;

/// <summary>
/// The counters of the quick start's running servers in Chromium: on the node page (a block a server, linked to its
/// page) and on the server page; pictured light and dark.
/// </summary>
public sealed class NodeCountersUiTests(QuickStartPanel fixture, BrowserServer browser) : IClassFixture<QuickStartPanel>
{
    /// <summary>The cards ask the agents after the page shows; a busy machine may take a while.</summary>
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 30_000 };

    [Fact]
    public async Task NodePage_ShowsTheCountersOfItsRunningServers_AndTheServerPageItsOwn()
    {
        var ct = TestContext.Current.CancellationToken;
        await QuickStartFleet.WaitUntilSettledAsync(fixture, ct);
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var nodes = (await admin.GetFromJsonAsync<List<JsonElement>>("/api/v1/nodes", ct))!;
        var sim1 = nodes.Single(n => n.GetProperty("name").GetString() == "sim-1").GetProperty("id").GetGuid();
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "admin", fixture.AdminPassword, new ViewportSize { Width = 1440, Height = 900 });

        await page.GotoAsync($"/nodes/{sim1}");
        var card = page.GetByTestId("node-counters");
        await Assertions.Expect(card.GetByTestId("counters-instance-link")).ToHaveTextAsync(["101", "acme-web"], Slow);   // sim-1's running demo servers, by name
        var web = card.GetByTestId("counters-instance").Filter(new() { Has = page.GetByText("acme-web", new() { Exact = true }) });
        await Assertions.Expect(web.Locator("[data-resource=physpages] [data-testid=counter-limit]")).ToHaveTextAsync("2,048 MiB");
        await Assertions.Expect(web.Locator("[data-resource=numproc] [data-testid=counter-limit]")).ToHaveTextAsync("unlimited");
        await Assertions.Expect(web.GetByTestId("counters-ram")).ToContainTextAsync("RAM in use");
        await ShotAsync(page, "node-counters-light.png");

        await web.GetByTestId("counters-instance-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("instance-name")).ToHaveTextAsync("acme-web");
        var own = page.GetByTestId("instance-counters");
        await Assertions.Expect(own.Locator("[data-resource=physpages] [data-testid=counter-limit]")).ToHaveTextAsync("2,048 MiB", Slow);
        await ShotAsync(page, "instance-counters-light.png");

        // Dark mode is kept in the browser's storage: each page is loaded afresh in it.
        await page.GetByTestId("dark-mode-toggle").ClickAsync();
        await page.ReloadAsync();
        await Assertions.Expect(own.Locator("[data-resource=physpages] [data-testid=counter-limit]")).ToHaveTextAsync("2,048 MiB", Slow);
        await ShotAsync(page, "instance-counters-dark.png");
        await page.GotoAsync($"/nodes/{sim1}");
        await Assertions.Expect(card.GetByTestId("counters-instance-link")).ToHaveTextAsync(["101", "acme-web"], Slow);
        await ShotAsync(page, "node-counters-dark.png");
        await page.GetByTestId("dark-mode-toggle").ClickAsync();
    }

    /// <summary>The whole page, with no hover or tooltip in the picture.</summary>
    private static async Task ShotAsync(IPage page, string name)
    {
        await page.Mouse.MoveAsync(0, 0);
        await page.WaitForTimeoutAsync(300);       // the palette swaps in a frame
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, name), FullPage = true });
    }
}
