using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VzPanel.IntegrationTests.Host;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;

namespace VzPanel.IntegrationTests.Ui;

/// <summary>
/// The node page (platform, template cache, KSM and pools read live from a sim agent) and the guest tools card of a
/// running server, in Chromium against the quick start; pictured light and dark.
/// </summary>
public sealed class NodeAndGuestUiTests(QuickStartPanel fixture, BrowserServer browser) : IClassFixture<QuickStartPanel>
{
    private static readonly ViewportSize Desk = new() { Width = 1440, Height = 900 };

    [Fact]
    public async Task NodePageAndGuestCard_ShowWhatTheAgentReports()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var web = await RunningAsync(admin, "acme-web", ct);
        var nodes = (await admin.GetFromJsonAsync<List<JsonElement>>("/api/v1/nodes", ct))!;
        var sim1 = nodes.Single(n => n.GetProperty("name").GetString() == "sim-1").GetProperty("id").GetGuid();
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "admin", fixture.AdminPassword, Desk);

        await page.GotoAsync($"/nodes/{sim1}");
        await Assertions.Expect(page.GetByTestId("node-engine-value")).ToHaveTextAsync("sim");
        await Assertions.Expect(page.GetByTestId("version-kernel")).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.GetByTestId("capability").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("templates-any")).ToContainTextAsync("builds from any template");
        await Assertions.Expect(page.GetByTestId("ksm-state")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("storage-pool")).ToContainTextAsync("default (dir)");
        await ShotAsync(page, "node-detail-light.png");

        await page.GotoAsync($"/instances/{web}");
        var sid = page.GetByTestId("guest-tool-sid-change");
        await Assertions.Expect(sid).ToContainTextAsync("SID change applies to Windows guests only; this guest runs Linux");
        await Assertions.Expect(sid).ToHaveAttributeAsync("aria-disabled", "true");
        await Assertions.Expect(page.GetByTestId("guest-tool-exec")).ToHaveAttributeAsync("aria-disabled", "false");
        await Assertions.Expect(page.GetByTestId("guest-os")).ToHaveTextAsync("debian-12-x86_64");
        await ShotAsync(page, "instance-guest-light.png");

        // Dark mode is kept in the browser's storage: each page is loaded afresh in it.
        await page.GetByTestId("dark-mode-toggle").ClickAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("guest-tool-sid-change")).ToHaveAttributeAsync("aria-disabled", "true");
        await ShotAsync(page, "instance-guest-dark.png");
        await page.GotoAsync($"/nodes/{sim1}");
        await Assertions.Expect(page.GetByTestId("storage-pool")).ToBeVisibleAsync();
        await ShotAsync(page, "node-detail-dark.png");
        await page.GetByTestId("dark-mode-toggle").ClickAsync();
    }

    /// <summary>Waits until the demo server <paramref name="name"/> runs (the quick start creates it through a job); returns its id.</summary>
    private static async Task<Guid> RunningAsync(HttpClient admin, string name, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var found = await admin.GetAsync($"/api/v1/instances/{name}", ct);
            if (found.IsSuccessStatusCode)
            {
                var instance = (await found.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("instance");
                if (instance.GetProperty("state").GetString() == "Running") return instance.GetProperty("id").GetGuid();
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The quick start's {name} did not come up.");
            await Task.Delay(250, ct);
        }
    }

    private static async Task ShotAsync(IPage page, string name)
    {
        await page.Mouse.MoveAsync(0, 0);          // no hover or tooltip in the picture
        await page.WaitForTimeoutAsync(300);       // the palette swaps in a frame
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, name), FullPage = true });
    }
}
