using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VzPanel.IntegrationTests.Host;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;
using static VzPanel.IntegrationTests.Infrastructure.ServerPages;

namespace VzPanel.IntegrationTests.Ui;

/// <summary>
/// An admin moves a running server with the migrate dialog (dry run first, then live progress) and drains a node from
/// its page, in Chromium against the quick start's sim fleet.
/// </summary>
public sealed class MigrationUiTests(QuickStartPanel fixture, BrowserServer browser) : IClassFixture<QuickStartPanel>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 60_000 };

    [Fact]
    public async Task Admin_MigratesAServerWithTheDryRunShown_AndDrainsANode()
    {
        var ct = TestContext.Current.CancellationToken;
        await QuickStartFleet.WaitUntilSettledAsync(fixture, ct);
        using var api = await NodeApiClient.AdminAsync(fixture);
        var db = await InstanceIdAsync(api, "acme-db", ct);
        var sim3 = (await api.GetFromJsonAsync<List<JsonElement>>("/api/v1/nodes", ct))!
            .Single(n => n.GetProperty("name").GetString() == "sim-3").GetProperty("id").GetGuid();
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "admin", fixture.AdminPassword, new ViewportSize { Width = 1440, Height = 900 });

        // acme-db, a running VM on sim-2: the dialog's dry run says live, names every check, and the target can be chosen.
        await OpenAsync(page, $"/instances/{db}");
        await page.GetByTestId("action-migrate").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog.GetByTestId("migrate-mode")).ToContainTextAsync("Live");
        await ChooseAsync(page, "migrate-target", "sim-1");
        await Assertions.Expect(dialog.GetByTestId("migrate-mode")).ToContainTextAsync("to sim-1");
        await Assertions.Expect(dialog.GetByTestId("migrate-check-capacity")).ToHaveAttributeAsync("data-passed", "true");
        await Assertions.Expect(dialog.GetByTestId("migrate-transfer")).ToContainTextAsync("to copy from sim-2");
        await Assertions.Expect(dialog.GetByTestId("migrate-submit")).ToHaveTextAsync("Migrate to sim-1");
        await page.ScreenshotAsync(new() { Path = Shot("migrate-dialog.png") });
        await dialog.GetByTestId("migrate-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("active-operation")).ToContainTextAsync("Migrate acme-db from sim-2 to sim-1 (live)");
        await ExpectOperationSucceededAsync(page, Slow);
        await Assertions.Expect(page.GetByTestId("instance-subtitle")).ToContainTextAsync("node sim-1");
        await Assertions.Expect(page.GetByTestId("active-operation").GetByTestId("migration-measured")).ToContainTextAsync("Ran nowhere for ");
        await Assertions.Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("Running");
        await page.ScreenshotAsync(new() { Path = Shot("migrate-done.png"), FullPage = true });

        // sim-3 holds the stopped globex-cache: drained after a confirmation, then opened again.
        await OpenAsync(page, $"/nodes/{sim3}");
        await page.GetByTestId("drain").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-message")).ToContainTextAsync("takes no new servers until you end maintenance");
        await page.GetByTestId("confirm-yes").ClickAsync();
        var drain = page.GetByTestId("node-drain").GetByTestId("operation-progress");
        await Assertions.Expect(drain).ToHaveAttributeAsync("data-state", "Succeeded", Slow);
        await Assertions.Expect(page.GetByTestId("node-state")).ToHaveTextAsync("Maintenance");
        await Assertions.Expect(page.GetByText("globex-cache")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Shot("node-drained.png"), FullPage = true });
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/nodes/{sim3}", ct)).GetProperty("instances").GetArrayLength().ShouldBe(0);
        await page.GetByTestId("end-maintenance").ClickAsync();
        await Assertions.Expect(page.GetByTestId("node-state")).ToHaveTextAsync("Online");
    }

    /// <summary>Loads a page and waits for its live connection, before which clicks do nothing.</summary>
    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    private static async Task<Guid> InstanceIdAsync(HttpClient api, string name, CancellationToken ct) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/instances/{name}", ct)).GetProperty("instance").GetProperty("id").GetGuid();
}
