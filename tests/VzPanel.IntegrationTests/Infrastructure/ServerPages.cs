using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>What browser tests of real servers do on the create dialog and the server page, the way a person does it.</summary>
public static partial class ServerPages
{
    /// <summary>Opens the create dialog from the Servers page and waits until its form has loaded.</summary>
    public static async Task<ILocator> OpenCreateDialogAsync(IPage page)
    {
        await page.GetByTestId("nav-servers").ClickAsync();
        await page.GetByTestId("new-server").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        // The dialog reads templates, customers and nodes first; a machine busy booting VMs can take a while.
        await Assertions.Expect(dialog.GetByTestId("create-name")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        return dialog;
    }

    /// <summary>
    /// Picks an item of a MudSelect (its list opens in a popover outside the field). Clicks the field around the select's
    /// input, which MudBlazor hides once the select shows a value (a single template is chosen by itself).
    /// </summary>
    public static async Task ChooseAsync(IPage page, string testId, string item)
    {
        await page.GetByTestId(testId).Locator("xpath=..").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = item }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// Switches the create dialog's memory to MiB and types the size. Choosing the unit converts the shown value on the
    /// server (1 GiB becomes 1024); typing before that round trip ends would add to the old value.
    /// </summary>
    public static async Task FillMemoryMiBAsync(IPage page, ILocator dialog, int mib)
    {
        await ChooseAsync(page, "create-memory-unit", "MiB");
        var memory = dialog.GetByTestId("create-memory");
        await Assertions.Expect(memory).ToHaveValueAsync("1024", new() { Timeout = 30_000 });
        var text = mib.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await memory.FillAsync(text);
        await Assertions.Expect(memory).ToHaveValueAsync(text);
    }

    /// <summary>The operation card of the detail page shows the newest operation finished well.</summary>
    public static async Task ExpectOperationSucceededAsync(IPage page, LocatorAssertionsToHaveAttributeOptions within)
    {
        // The create runs admission and queues the job before the page moves on; a busy machine needs more than 5 s.
        await Assertions.Expect(page).ToHaveURLAsync(ServerUrl(), new() { Timeout = 60_000 });
        var progress = page.GetByTestId("active-operation").GetByTestId("operation-progress");
        await Assertions.Expect(progress).ToHaveAttributeAsync("data-state", "Succeeded", within);
        await Assertions.Expect(progress.GetByTestId("operation-done")).ToBeVisibleAsync();
    }

    /// <summary>Sets the memory with the exact input of the memory control and waits until the page shows it applied.</summary>
    public static async Task ResizeAsync(IPage page, string serverName, int mib, string shown, LocatorAssertionsToHaveAttributeOptions within)
    {
        await page.GetByTestId("memory-input").FillAsync(mib.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("memory-apply").ClickAsync();
        await Assertions.Expect(page.GetByTestId("active-operation")).ToContainTextAsync($"Memory of {serverName}");
        await ExpectOperationSucceededAsync(page, within);
        await Assertions.Expect(page.GetByTestId("memory-current")).ToHaveTextAsync(shown);
    }

    /// <summary>Deletes the server shown, typing its name into the confirmation first.</summary>
    public static async Task DeleteAsync(IPage page, string serverName, Func<Task>? beforeConfirming = null)
    {
        await page.GetByTestId("action-delete").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-yes")).ToBeDisabledAsync();
        await page.GetByTestId("confirm-name").FillAsync(serverName);
        if (beforeConfirming is not null) await beforeConfirming();
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(page.GetByTestId("instance-deleted")).ToContainTextAsync($"{serverName} was deleted", new() { Timeout = 90_000 });
    }

    /// <summary>The id of the server whose page is open.</summary>
    public static Guid ServerId(IPage page) => Guid.Parse(ServerUrl().Match(page.Url).Groups["id"].Value);

    public static string Shot(string name) => Path.Combine(BrowserServer.ScreenshotDirectory, name);

    [GeneratedRegex(@"/instances/(?<id>[0-9a-f-]{36})(\?operation=[0-9a-f-]{36})?$")]
    private static partial Regex ServerUrl();
}
