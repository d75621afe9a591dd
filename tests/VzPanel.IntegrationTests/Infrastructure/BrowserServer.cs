using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Playwright;
using VzPanel.IntegrationTests.Infrastructure;
using Xunit.v3;

[assembly: AssemblyFixture(typeof(BrowserServer))]
[assembly: ClosesItsBrowserPages]

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

    // Contexts by the test that opened them: closed when that test ends, so a finished test's pages (and their live
    // circuits, retrying to reconnect to a panel that is gone) stop costing the rest of the run CPU.
    private readonly ConcurrentDictionary<string, ConcurrentBag<IBrowserContext>> _contexts = new();

    internal static BrowserServer? Current { get; private set; }

    public static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./vzpanel test (it installs chromium), or apt-get install chromium.");
        _playwright = await Playwright.CreateAsync();
        Current = this;
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
        _contexts.GetOrAdd(TestContext.Current.Test?.UniqueID ?? "", _ => []).Add(context);
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

    internal async ValueTask CloseContextsOfAsync(string testId)
    {
        if (!_contexts.TryRemove(testId, out var contexts)) return;
        foreach (var context in contexts)
        {
            try
            {
                await context.CloseAsync();
            }
            catch (Exception e) when (e is PlaywrightException or ObjectDisposedException)
            {
                // already closed with its browser
            }
        }
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

/// <summary>Closes the browser contexts a test opened once it ends (passed or failed, screenshots already taken).</summary>
[AttributeUsage(AttributeTargets.Assembly)]
internal sealed class ClosesItsBrowserPagesAttribute : BeforeAfterTestAttribute
{
    // xUnit's hook is synchronous; closing goes on in the background rather than blocking the runner's thread on Playwright.
    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        if (BrowserServer.Current is { } browser) _ = browser.CloseContextsOfAsync(test.UniqueID).AsTask();
    }
}
