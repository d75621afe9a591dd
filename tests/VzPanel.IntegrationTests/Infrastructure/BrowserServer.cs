using Microsoft.Playwright;
using VzPanel.IntegrationTests.Infrastructure;

[assembly: AssemblyFixture(typeof(BrowserServer))]

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>
/// One headless Debian Chromium for the run, driven by Playwright (its own browser download is not used).
/// Each test opens its own context, so cookies and storage never leak between tests.
/// </summary>
public sealed class BrowserServer : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./vzpanel test (it installs chromium), or apt-get install chromium.");
        _playwright = await Playwright.CreateAsync();
        // The suite shares two cores with QEMU guests under TCG: a live update may take longer than Playwright's 5 s.
        Assertions.SetDefaultExpectTimeout(15_000);
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // This machine has no network beyond loopback: keep Chromium from phoning home.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task<IPage> NewPageAsync(Uri baseUrl, bool dark = false)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 820 },
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
        });
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(30_000);   // a first page load prerenders on a machine busy with the rest of the suite
        return await context.NewPageAsync();
    }

    /// <summary>A new page signed in as <paramref name="user"/>, once the live connection is up (clicks work from then on).</summary>
    public async Task<IPage> SignedInPageAsync(Uri baseUrl, string user, string password, ViewportSize? viewport = null)
    {
        var page = await NewPageAsync(baseUrl);
        if (viewport is not null) await page.SetViewportSizeAsync(viewport.Width, viewport.Height);
        await page.GotoAsync("/account/login");
        await page.Locator("#username").FillAsync(user);
        await page.Locator("#password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    private static string FindScreenshotDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VzPanel.sln"))) dir = dir.Parent;
        return Directory.CreateDirectory(Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "screenshots")).FullName;
    }
}
