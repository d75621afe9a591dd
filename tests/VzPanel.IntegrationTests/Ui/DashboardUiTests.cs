using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Ui;

/// <summary>The dashboard over a real inventory, in Chromium: what an admin sees on a desk and on a phone.</summary>
public sealed class DashboardUiTests(PanelFixture fixture, BrowserServer browser) : IClassFixture<PanelFixture>, IAsyncLifetime
{
    public async ValueTask InitializeAsync()
    {
        var db = fixture.Database;
        await using (var existing = db.CreateContext())
        {
            if (await existing.Nodes.AnyAsync()) return;   // one inventory for the class
        }
        var acme = await db.TenantAsync("acme");
        var globex = await db.TenantAsync("globex");
        var n1 = await db.NodeAsync("node-a", ramMiB: 65536, reserveMiB: 4096);
        var n2 = await db.NodeAsync("node-b", ramMiB: 32768, reserveMiB: 2048);
        await db.NodeAsync("node-c", ramMiB: 16384, reserveMiB: 1024, state: NodeState.Offline);
        await db.InstanceAsync(acme, n1, "acme-web", memoryMiB: 8192, guaranteePercent: 50);
        await db.InstanceAsync(acme, n1, "acme-db", memoryMiB: 16384, guaranteePercent: 100, kind: InstanceKind.Vm);
        await db.InstanceAsync(globex, n2, "globex-1", memoryMiB: 4096, guaranteePercent: 25);
        await db.InstanceAsync(globex, n2, "globex-2", memoryMiB: 2048, state: InstanceState.Stopped);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Dashboard_WithNodesAndServers_ShowsFleetNumbers()
    {
        var page = await SignInAsAdminAsync(new ViewportSize { Width = 1366, Height = 900 });

        await Assertions.Expect(page.GetByTestId("stat-nodes-value")).ToHaveTextAsync("2 / 3");
        await Assertions.Expect(page.GetByTestId("stat-instances-value")).ToHaveTextAsync("4");
        await Assertions.Expect(page.GetByTestId("stat-committed-value")).ToHaveTextAsync("28 GiB");
        await Assertions.Expect(page.GetByTestId("stat-guaranteed-value")).ToHaveTextAsync("21 GiB");
        await Assertions.Expect(page.Locator("[data-testid=node-table] tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("state-Stopped")).ToContainTextAsync("1");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, "dashboard-admin-fleet.png"), FullPage = true });
    }

    [Fact]
    public async Task Dashboard_OnAPhone_StacksCardsAndHidesTheDrawer()
    {
        var page = await SignInAsAdminAsync(new ViewportSize { Width = 390, Height = 844 });

        await Assertions.Expect(page.GetByTestId("stat-instances-value")).ToHaveTextAsync("4");
        var nodes = await page.GetByTestId("stat-nodes").BoundingBoxAsync();
        var servers = await page.GetByTestId("stat-instances").BoundingBoxAsync();
        servers!.Y.ShouldBeGreaterThan(nodes!.Y + nodes.Height - 1);                  // one card per row
        (await page.Locator(".mud-drawer--open").CountAsync()).ShouldBe(0);           // navigation folds away
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, "dashboard-admin-phone.png"), FullPage = true });
    }

    private Task<IPage> SignInAsAdminAsync(ViewportSize viewport) =>
        browser.SignedInPageAsync(fixture.Panel.BaseUrl, "admin", fixture.AdminPassword, viewport);
}
