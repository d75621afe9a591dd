using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VzPanel.Core.Features.Identity;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Ui;

/// <summary>Accounts in real Chromium: the set-password page a link opens, and the admin's Users page.</summary>
public sealed class UsersUiTests(PanelFixture fixture, BrowserServer browser) : IClassFixture<PanelFixture>
{
    private const string NewPassword = "Chosen-in-the-browser-5";

    [Fact]
    public async Task SetPasswordLink_LetsTheNewUserChooseAPasswordOnce_ThenSignIn()
    {
        var tenant = await fixture.Database.TenantAsync($"ui-{Guid.NewGuid():N}"[..10]);
        await using var admin = await PanelSession.SignInAsync(fixture.Panel, "admin", fixture.AdminPassword);
        var created = await admin.Http.PostAsJsonAsync("/api/v1/users", new { userName = "ui-newcomer", role = "Customer", tenantId = tenant.Id },
            TestContext.Current.CancellationToken);
        var url = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("setPasswordUrl").GetString()!;

        var page = await browser.NewPageAsync(fixture.Panel.BaseUrl);
        await page.GotoAsync(url);
        await Assertions.Expect(page.GetByTestId("password-rules")).ToContainTextAsync("At least 12 characters");
        await page.Locator("#new-password").FillAsync(NewPassword);
        await page.Locator("#confirm-password").FillAsync("Chosen-in-the-browser-6");
        await page.GetByTestId("set-password-submit").ClickAsync();
        await Assertions.Expect(page.GetByText("The two passwords are not the same.")).ToBeVisibleAsync();

        await page.Locator("#new-password").FillAsync("short");
        await page.Locator("#confirm-password").FillAsync("short");
        await page.GetByTestId("set-password-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("set-password-message")).ToContainTextAsync("Passwords must be at least 12 characters.");

        await page.Locator("#new-password").FillAsync(NewPassword);
        await page.Locator("#confirm-password").FillAsync(NewPassword);
        await page.GetByTestId("set-password-submit").ClickAsync();
        await page.WaitForURLAsync("**/account/login");
        await page.Locator("#username").FillAsync("ui-newcomer");
        await page.Locator("#password").FillAsync(NewPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Your servers");

        var again = await browser.NewPageAsync(fixture.Panel.BaseUrl);
        await again.GotoAsync(url);
        await Assertions.Expect(again.GetByTestId("set-password-message"))
            .ToHaveTextAsync("This link has expired or was already used. Ask an admin for a new one.");
        await Assertions.Expect(again.Locator("#new-password")).ToHaveCountAsync(0);
        await again.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, "set-password-used.png") });
    }

    [Fact]
    public async Task UsersPage_AdminIssuesAResetLink_ThatOpensTheSetPasswordPage_AndSupportSeesNoButtons()
    {
        await fixture.Database.CreateUserAsync("ui-support", PanelRole.Support);
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "admin", fixture.AdminPassword);

        await page.GetByTestId("nav-users").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Users");
        await Assertions.Expect(page.GetByTestId("user-ui-support")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, "users-admin.png") });

        await page.GetByTestId("reset-ui-support").ClickAsync();
        var link = await page.Locator("[data-testid=password-link-dialog] textarea").InputValueAsync();
        link.ShouldContain("/account/set-password?token=");
        await page.GetByTestId("password-link-done").ClickAsync();

        var reset = await browser.NewPageAsync(fixture.Panel.BaseUrl);
        await reset.GotoAsync(link);
        await Assertions.Expect(reset.Locator("#new-password")).ToBeVisibleAsync();

        var support = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "ui-support", TestUsers.Password);
        await support.GetByTestId("nav-users").ClickAsync();
        await Assertions.Expect(support.GetByTestId("user-admin")).ToBeVisibleAsync();
        await Assertions.Expect(support.GetByTestId("add-user")).ToHaveCountAsync(0);
        await Assertions.Expect(support.GetByTestId("reset-admin")).ToHaveCountAsync(0);
    }
    [Fact]
    public async Task AddUserDialog_CreatesACustomerWithALink_ShownOnceWithACopyButton()
    {
        var tenant = await fixture.Database.TenantAsync($"Dialog {Guid.NewGuid():N}"[..14]);
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "admin", fixture.AdminPassword);
        await page.GotoAsync("/users");
        await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        await page.GetByTestId("add-user").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.GetByTestId("user-name").FillAsync("ui-dialog-customer");
        await dialog.GetByTestId("user-display-name").FillAsync("Dialog Customer");
        await ServerPages.ChooseAsync(page, "user-tenant", tenant.Name);
        await page.GetByTestId("user-submit").ClickAsync();

        var link = page.Locator("[data-testid=password-link-dialog] textarea");
        await Assertions.Expect(link).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/account/set-password\\?token=[A-Za-z0-9_-]{43}$"));
        await Assertions.Expect(page.GetByTestId("copy-password-link")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, "users-created-link.png") });
        await page.GetByTestId("password-link-done").ClickAsync();

        var row = page.Locator("tr", new() { Has = page.GetByTestId("user-ui-dialog-customer") });
        await Assertions.Expect(row).ToContainTextAsync("Customer");
        await Assertions.Expect(row).ToContainTextAsync(tenant.Name);
    }
}
