using Microsoft.Playwright;
using OtpNet;
using VzPanel.Core.Features.Identity;
using VzPanel.IntegrationTests.Identity;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Ui;

/// <summary>MFA setup from the page a staff member is sent to, sign-in with a code, and API tokens, in real Chromium.</summary>
public sealed class AccountSecurityUiTests(StaffMfaPanelFixture fixture, BrowserServer browser) : IClassFixture<StaffMfaPanelFixture>
{
    [Fact]
    public async Task StaffWithoutMfa_SetItUpOnThePageTheyAreSentTo_ThenSignInWithACode()
    {
        await fixture.Database.CreateUserAsync("ui-mfa-support", PanelRole.Support);
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "ui-mfa-support", TestUsers.Password);

        await page.WaitForURLAsync("**/account/mfa");
        await Assertions.Expect(page.GetByTestId("mfa_required")).ToBeVisibleAsync();
        await page.GetByTestId("mfa-start").ClickAsync();
        await Assertions.Expect(page.GetByTestId("mfa-qr")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^data:image/png;base64,"));
        (await page.GetByTestId("mfa-qr").GetAttributeAsync("alt")).ShouldNotBeNullOrWhiteSpace();
        var secret = (await page.GetByTestId("mfa-secret").InnerTextAsync()).Replace(" ", "");
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        await page.GetByTestId("mfa-code").FillAsync(totp.ComputeTotp());
        await page.GetByTestId("mfa-confirm").ClickAsync();

        await Assertions.Expect(page.GetByTestId("mfa-recovery-codes").Locator("div")).ToHaveCountAsync(10);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, "mfa-recovery-codes.png") });
        await page.GetByTestId("mfa-codes-done").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Fleet");

        // A new browser: the password, then the code step, then the panel.
        var next = await browser.NewPageAsync(fixture.Panel.BaseUrl);
        await next.GotoAsync("/account/login");
        await next.Locator("#username").FillAsync("ui-mfa-support");
        await next.Locator("#password").FillAsync(TestUsers.Password);
        await next.GetByTestId("login-submit").ClickAsync();
        await next.Locator("#mfa-code").FillAsync("000000");
        await next.Locator("#mfa-code").PressAsync("Enter");
        await Assertions.Expect(next.GetByTestId("login-message")).ToContainTextAsync("That code is not right");
        await next.Locator("#mfa-code").FillAsync(totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30)));
        await next.GetByTestId("mfa-submit").ClickAsync();
        await Assertions.Expect(next.Locator("h1")).ToHaveTextAsync("Fleet");
    }

    [Fact]
    public async Task ApiTokens_CreateShowsTheTokenOnce_ThenTheListHasIt_AndRevokeAsksFirst()
    {
        var tenant = await fixture.Database.TenantAsync("ui-token-co");
        await fixture.Database.CreateUserAsync("ui-token-customer", PanelRole.Customer, tenant.Id);
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "ui-token-customer", TestUsers.Password);

        await page.GotoAsync("/account/tokens");
        await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.GetByTestId("tokens-empty")).ToBeVisibleAsync();
        await page.GetByTestId("token-create").ClickAsync();
        await page.GetByTestId("token-name-input").FillAsync("deploy-script");
        await page.GetByTestId("token-create-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("token-value")).ToContainTextAsync("vzp_");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserServer.ScreenshotDirectory, "api-token-created.png") });
        await page.GetByTestId("token-done").ClickAsync();
        await Assertions.Expect(page.GetByTestId("token-name")).ToContainTextAsync("deploy-script");
        await Assertions.Expect(page.GetByTestId("token-state")).ToHaveTextAsync("active");

        await page.GetByTestId("token-revoke").ClickAsync();
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(page.GetByTestId("token-state")).ToHaveTextAsync("revoked");
    }
}
