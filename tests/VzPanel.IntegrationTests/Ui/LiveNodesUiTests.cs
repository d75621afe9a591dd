using System.Diagnostics;
using Microsoft.Playwright;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;

namespace VzPanel.IntegrationTests.Ui;

/// <summary>A real agent process joins a real panel; the browser watches the node go offline and come back.</summary>
public sealed class LiveNodesUiTests(QuickOfflinePanel fixture, BrowserServer browser) : IClassFixture<QuickOfflinePanel>
{
    [Fact]
    public async Task StoppingTheAgent_TurnsItsNodeOfflineInTheOpenPage_AndRestartingBringsItBack()
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var (_, token, _) = await NodeApiClient.AddNodeAsync(admin, "live-1");
        await using var agent = new AgentProcess();
        await agent.EnrollAsync(fixture.Panel.AgentUrl, token);
        await agent.RunAsync(heartbeatSeconds: 1);

        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "admin", fixture.AdminPassword);
        await page.GetByText("Nodes", new() { Exact = true }).First.ClickAsync();
        var row = page.Locator("[data-testid=nodes-table] tr", new() { HasText = "live-1" });
        await Assertions.Expect(row.GetByTestId("node-state")).ToHaveTextAsync("Online");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, "nodes-live.png") });

        await agent.StopAsync();
        var stopped = Stopwatch.StartNew();
        await Assertions.Expect(row.GetByTestId("node-state")).ToHaveTextAsync("Offline", new() { Timeout = 15_000 });
        var toOffline = stopped.Elapsed;
        await agent.RunAsync(heartbeatSeconds: 1);
        await Assertions.Expect(row.GetByTestId("node-state")).ToHaveTextAsync("Online", new() { Timeout = 15_000 });

        TestContext.Current.SendDiagnosticMessage($"agent stopped → Offline in the browser after {toOffline.TotalSeconds:0.0} s (window 3 s)");
        toOffline.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }
}
