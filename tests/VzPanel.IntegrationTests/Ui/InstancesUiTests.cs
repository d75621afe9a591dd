using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VzPanel.IntegrationTests.Host;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Ui;

/// <summary>
/// An admin runs servers from the browser against the quick start (real panel, jobs, sim agents): creates a
/// container and a VM, resizes, stops and deletes the container, watching every step arrive live in one page
/// load (a marker set on the window at the start must survive to the end).
/// </summary>
public sealed partial class InstancesUiTests(QuickStartPanel fixture, BrowserServer browser) : IClassFixture<QuickStartPanel>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 30_000 };

    [Fact]
    public async Task Admin_CreatesResizesStopsAndDeletesServers_WithoutReloading()
    {
        await QuickStartFleet.WaitUntilSettledAsync(fixture, TestContext.Current.CancellationToken);
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "admin", fixture.AdminPassword, new ViewportSize { Width = 1440, Height = 900 });
        await page.EvaluateAsync("() => window.vzSamePage = 'yes'");

        await page.GetByTestId("nav-servers").ClickAsync();
        await Assertions.Expect(page.GetByTestId("instance-row-acme-web")).ToBeVisibleAsync();

        // A container, submitted with Enter from the name field.
        var dialog = await OpenCreateDialogAsync(page);
        await Assertions.Expect(dialog.GetByTestId("create-price-missing")).ToBeVisibleAsync();   // no customer, no plan, no price yet
        await ChooseAsync(page, "create-tenant", "Acme Hosting");
        await Assertions.Expect(dialog.GetByTestId("create-price-after")).ToContainTextAsync(" EUR");
        await dialog.GetByTestId("create-name").FillAsync("ui-ct-1");
        await dialog.GetByTestId("create-hostname").FillAsync("ct1.example.com");
        await dialog.GetByTestId("create-name").FocusAsync();
        await page.ScreenshotAsync(new() { Path = Shot("instances-create-dialog.png") });
        await dialog.GetByTestId("create-name").PressAsync("Enter");
        await ExpectOperationSucceededAsync(page);
        await Assertions.Expect(page.GetByTestId("instance-name")).ToHaveTextAsync("ui-ct-1");
        await Assertions.Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("Running");
        await Assertions.Expect(page.GetByTestId("instance-subtitle")).ToContainTextAsync("ct1.example.com");
        var container = page.Url.Split('?')[0];   // the create's page names its operation: ?operation=…

        // A VM, 2 GiB, with the button.
        await page.GetByTestId("nav-servers").ClickAsync();
        dialog = await OpenCreateDialogAsync(page);
        await dialog.GetByText("VM", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("create-submit")).ToHaveTextAsync("Create VM");
        await ChooseAsync(page, "create-tenant", "Globex Shop");
        await dialog.GetByTestId("create-name").FillAsync("ui-vm-1");
        await dialog.GetByTestId("create-memory").FillAsync("2");
        await dialog.GetByTestId("create-submit").ClickAsync();
        await ExpectOperationSucceededAsync(page);
        await Assertions.Expect(page.GetByTestId("instance-subtitle")).ToContainTextAsync("Globex Shop");
        await Assertions.Expect(page.GetByTestId("memory-current")).ToHaveTextAsync("2 GiB");

        await page.GetByTestId("nav-servers").ClickAsync();
        await Assertions.Expect(page.GetByTestId("instance-row-ui-vm-1")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("instance-row-ui-ct-1")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("instances-list.png"), FullPage = true });

        // The container's memory up, then down, through the memory control.
        await page.GetByTestId("instance-row-ui-ct-1").GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(container);
        await ResizeAsync(page, "ui-ct-1", 1536, "1.5 GiB");
        await ResizeAsync(page, "ui-ct-1", 768, "768 MiB");
        await page.ScreenshotAsync(new() { Path = Shot("instance-detail-light.png"), FullPage = true });
        await page.GetByTestId("dark-mode-toggle").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-theme-dark, html[data-mud-theme=dark], body").First).ToBeVisibleAsync();
        await page.Mouse.MoveAsync(700, 600);   // no tooltip over the picture
        await page.WaitForTimeoutAsync(300);     // the palette swaps in a frame
        await page.ScreenshotAsync(new() { Path = Shot("instance-detail-dark.png"), FullPage = true });
        await page.GetByTestId("dark-mode-toggle").ClickAsync();

        await ShutDownAndDeleteAsync(page, "ui-ct-1");
        await Assertions.Expect(page.GetByTestId("instance-row-ui-vm-1")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("instance-row-ui-ct-1")).ToHaveCountAsync(0);

        // The VM the same way: memory up and down, shut down, deleted.
        await page.GetByTestId("instance-row-ui-vm-1").GetByRole(AriaRole.Link).ClickAsync();
        await ResizeAsync(page, "ui-vm-1", 3072, "3 GiB");
        await ResizeAsync(page, "ui-vm-1", 1024, "1 GiB");
        await ShutDownAndDeleteAsync(page, "ui-vm-1");
        await Assertions.Expect(page.GetByTestId("instance-row-ui-vm-1")).ToHaveCountAsync(0);

        // Everything that happened, newest first.
        await page.GetByTestId("nav-operations").ClickAsync();
        var newest = page.Locator("[data-testid=operations-table] tbody tr").First;
        await Assertions.Expect(newest).ToContainTextAsync("Delete ui-vm-1");
        await Assertions.Expect(newest.GetByTestId("operation-progress")).ToHaveAttributeAsync("data-state", "Succeeded", Slow);
        await Assertions.Expect(page.Locator("[data-testid=operations-table] tbody tr", new() { HasText = "Create VM ui-vm-1" })).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Shot("operations.png"), FullPage = true });

        (await page.EvaluateAsync<string?>("() => window.vzSamePage")).ShouldBe("yes");
    }

    private static async Task<ILocator> OpenCreateDialogAsync(IPage page)
    {
        await page.GetByTestId("new-server").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog.GetByTestId("create-name")).ToBeFocusedAsync();   // type at once
        return dialog;
    }

    /// <summary>Picks an item of a MudSelect (its list opens in a popover outside the field).</summary>
    private static async Task ChooseAsync(IPage page, string testId, string item)
    {
        await page.GetByTestId(testId).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = item }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    /// <summary>The operation card of the detail page shows the newest operation finished well.</summary>
    private static async Task ExpectOperationSucceededAsync(IPage page)
    {
        await Assertions.Expect(page).ToHaveURLAsync(ServerUrl());
        var progress = page.GetByTestId("active-operation").GetByTestId("operation-progress");
        await Assertions.Expect(progress).ToHaveAttributeAsync("data-state", "Succeeded", Slow);
        await Assertions.Expect(progress.GetByTestId("operation-done")).ToBeVisibleAsync();
    }

    /// <summary>Shuts the server of the open detail page down, deletes it after typing its name, and goes back to the list.</summary>
    private static async Task ShutDownAndDeleteAsync(IPage page, string name)
    {
        await page.GetByTestId("action-shutdown").ClickAsync();
        await ExpectOperationSucceededAsync(page);
        await Assertions.Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("Stopped");
        await page.GetByTestId("action-delete").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-yes")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("confirm-name")).ToBeFocusedAsync();   // type the name at once
        await page.GetByTestId("confirm-name").FillAsync(name);
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(page.GetByTestId("instance-deleted")).ToContainTextAsync($"{name} was deleted", new() { Timeout = 30_000 });
        await page.GetByTestId("back-to-list").ClickAsync();
    }

    private static async Task ResizeAsync(IPage page, string name, int mib, string shown)
    {
        var price = page.GetByTestId("memory-price-after");
        var priceNow = await price.TextContentAsync();
        await page.GetByTestId("memory-input").FillAsync(mib.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("memory-guaranteed")).ToBeVisibleAsync();
        // The price after the change shows as it is typed, before anything is applied, with what it adds or saves a month.
        await Assertions.Expect(price).Not.ToHaveTextAsync(priceNow!);
        await Assertions.Expect(page.GetByTestId("memory-price")).ToContainTextAsync($"Now {priceNow} per hour");
        await Assertions.Expect(page.GetByTestId("memory-price-difference")).ToContainTextAsync(" a month");
        await page.GetByTestId("memory-apply").ClickAsync();
        await Assertions.Expect(page.GetByTestId("active-operation")).ToContainTextAsync($"Memory of {name}");
        await ExpectOperationSucceededAsync(page);
        await Assertions.Expect(page.GetByTestId("memory-current")).ToHaveTextAsync(shown);
        await Assertions.Expect(page.GetByTestId("memory-apply")).ToBeDisabledAsync();
    }

    private static string Shot(string name) => Path.Combine(BrowserServer.ScreenshotDirectory, name);

    [GeneratedRegex(@"/instances/[0-9a-f-]{36}(\?operation=[0-9a-f-]{36})?$")]
    private static partial Regex ServerUrl();
}
