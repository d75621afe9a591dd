using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VzPanel.Core.Features.Identity;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Ui;

/// <summary>Signing in and the shell around the dashboard, in real Chromium against the real panel.</summary>
public sealed class SignInUiTests(PanelFixture fixture, BrowserServer browser) : IClassFixture<PanelFixture>
{
    [Fact]
    public async Task SignIn_PrintedAdmin_SeesTheFleetDashboardWithItsEmptyState()
    {
        var page = await browser.NewPageAsync(fixture.Panel.BaseUrl);
        var clock = Stopwatch.StartNew();

        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/account/login?ReturnUrl=%2F");
        var toSignInPage = clock.Elapsed;
        await page.Locator("#username").FillAsync("admin");
        await page.Locator("#password").FillAsync(fixture.AdminPassword);
        await page.Locator("#password").PressAsync("Enter");                 // keyboard only

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Fleet");
        await Assertions.Expect(page.GetByTestId("dashboard-empty")).ToContainTextAsync("No nodes in the fleet yet");
        await Assertions.Expect(page.GetByText("REST API (OpenAPI)")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, "dashboard-admin-empty.png") });
        TestContext.Current.SendDiagnosticMessage($"sign-in page shown {toSignInPage.TotalMilliseconds:0} ms after the first request");
    }

    [Fact]
    public async Task DarkModeToggle_SwitchesTheThemeAndRemembersIt()
    {
        var page = await SignedInPageAsync("admin", fixture.AdminPassword);
        var light = await BackgroundAsync(page);

        await page.GetByTestId("dark-mode-toggle").ClickAsync();

        await page.WaitForFunctionAsync($"() => {BackgroundScript} !== '{light}'");
        var dark = await BackgroundAsync(page);
        (await page.EvaluateAsync<string>("localStorage.getItem('vzpanel.theme')")).ShouldBe("dark");
        await page.ReloadAsync();
        await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        (await BackgroundAsync(page)).ShouldBe(dark);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, "dashboard-admin-dark.png") });
    }

    [Fact]
    public async Task SignIn_Customer_SeesOnlyItsOwnViewAndNoProviderMenu()
    {
        var tenant = await fixture.Database.TenantAsync("acme");
        await fixture.Database.CreateUserAsync("acme-owner", PanelRole.Customer, tenant.Id);

        var page = await SignedInPageAsync("acme-owner", TestUsers.Password);

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Your servers");
        await Assertions.Expect(page.GetByTestId("dashboard-empty")).ToContainTextAsync("You have no servers yet");
        await Assertions.Expect(page.GetByText("REST API (OpenAPI)")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, "dashboard-customer-empty.png") });
    }

    [Fact]
    public async Task SignIn_WrongPasswordsInTheBrowser_LockTheAccount_WithoutTellingWhetherItExists()
    {
        await fixture.Database.CreateUserAsync("ui-lock", PanelRole.Support);
        var page = await browser.NewPageAsync(fixture.Panel.BaseUrl);
        await page.GotoAsync("/account/login");

        for (var i = 0; i < 5; i++)
        {
            await page.Locator("#username").FillAsync("ui-lock");
            await page.Locator("#password").FillAsync($"nope-{i}");
            await page.GetByTestId("login-submit").ClickAsync();
            await Assertions.Expect(page.GetByTestId("login-message")).ToBeVisibleAsync();
        }

        // The same words as for a wrong password or an unknown name: nothing tells an outsider the account exists.
        await Assertions.Expect(page.GetByTestId("login-message")).ToHaveTextAsync(
            "Wrong user name or password. After repeated failures an account is locked for 15 minutes; an admin can unlock it.");
        await using (var db = fixture.Database.CreateContext())
            (await db.Users.SingleAsync(u => u.UserName == "ui-lock")).LockoutEnd.ShouldNotBeNull();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, "sign-in-locked.png") });
    }

    [Fact]
    public async Task SignOut_ReturnsToTheSignInPage()
    {
        var page = await SignedInPageAsync("admin", fixture.AdminPassword);

        await page.GetByTestId("user-menu").ClickAsync();
        await page.GetByTestId("sign-out").ClickAsync();

        await page.WaitForURLAsync("**/account/login");
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/account/login?ReturnUrl=%2F");
    }

    private Task<IPage> SignedInPageAsync(string user, string password) => browser.SignedInPageAsync(fixture.Panel.BaseUrl, user, password);

    private const string BackgroundScript = "getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background').trim()";

    private static Task<string> BackgroundAsync(IPage page) => page.EvaluateAsync<string>(BackgroundScript);
}
