using System.Diagnostics;
using Microsoft.Playwright;
using VzPanel.Agent.Tests.Support;
using VzPanel.IntegrationTests.Infrastructure;
using static VzPanel.IntegrationTests.Infrastructure.ServerPages;

namespace VzPanel.IntegrationTests.Vms;

/// <summary>
/// An admin runs a real VM from the browser (Chromium) on the libvirt node: creates it from vzpanel-test-guest in the
/// create dialog, waits until it runs, moves its memory up and down with the memory control, and deletes it after the
/// confirmation. Screenshots go to artifacts/screenshots/vm-*.png.
/// </summary>
[Collection(nameof(VmFleetCollection))]
public sealed class VmBrowserTests(VmFleet fleet, BrowserServer browser)
{
    private const string Name = "vm-ui-1";
    private static readonly LocatorAssertionsToHaveAttributeOptions Boot = new() { Timeout = 180_000 };
    private static readonly LocatorAssertionsToHaveAttributeOptions Change = new() { Timeout = 90_000 };

    [Fact]
    public async Task Admin_CreatesResizesAndDeletesARealVm_FromTheBrowser()
    {
        var page = await browser.SignedInPageAsync(fleet.Panel.BaseUrl, "admin", fleet.AdminPassword, new ViewportSize { Width = 1440, Height = 900 });
        try
        {
            await RunAsync(page);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Shot("vm-failed.png"), FullPage = true });   // what the page showed when it went wrong
            throw;
        }
    }

    private async Task RunAsync(IPage page)
    {
        var dialog = await OpenCreateDialogAsync(page);
        await page.ScreenshotAsync(new() { Path = Shot("vm-create-dialog-opened.png") });
        await dialog.GetByText("VM", new() { Exact = true }).ClickAsync();
        await dialog.GetByTestId("create-name").FillAsync(Name);
        await ChooseAsync(page, "create-template", VmFleet.Template);
        await FillMemoryMiBAsync(page, dialog, 512);
        await ChooseAsync(page, "create-tenant", VmFleet.TenantName);
        await ChooseAsync(page, "create-node", VmFleet.NodeName);
        await Assertions.Expect(dialog).ToContainTextAsync($"{VmFleet.Template} — ");
        await page.ScreenshotAsync(new() { Path = Shot("vm-create-dialog.png") });

        var clock = Stopwatch.StartNew();
        await dialog.GetByTestId("create-submit").ClickAsync();
        await ExpectOperationSucceededAsync(page, Boot);
        VmTimings.Write($"browser: create 512 MiB VM until the page shows it Running: {clock.Elapsed.TotalSeconds:0.0} s");
        await Assertions.Expect(page.GetByTestId("instance-name")).ToHaveTextAsync(Name);
        await Assertions.Expect(page.GetByTestId("instance-state")).ToHaveTextAsync("Running");
        await Assertions.Expect(page.GetByTestId("memory-current")).ToHaveTextAsync("512 MiB");
        var id = ServerId(page);
        (await fleet.GuestMemoryAsync(id)).TotalMiB.ShouldBeInRange(384L, 512L);   // a real guest answers
        await page.ScreenshotAsync(new() { Path = Shot("vm-running.png"), FullPage = true });

        await ResizeAsync(page, Name, 1024, "1 GiB", Change);
        (await fleet.GuestMemoryAsync(id)).TotalMiB.ShouldBeGreaterThan(900);
        await page.ScreenshotAsync(new() { Path = Shot("vm-grown.png"), FullPage = true });
        await ResizeAsync(page, Name, 512, "512 MiB", Change);
        await page.ScreenshotAsync(new() { Path = Shot("vm-shrunk.png"), FullPage = true });

        await DeleteAsync(page, Name, () => page.ScreenshotAsync(new() { Path = Shot("vm-delete-confirm.png") }));
        await page.ScreenshotAsync(new() { Path = Shot("vm-deleted.png"), FullPage = true });
        fleet.Libvirt.Domains().ShouldNotContain(id.ToString());
        fleet.Libvirt.Volumes().ShouldBeEmpty();
    }
}
