using Microsoft.Playwright;
using OtpNet;
using VzPanel.IntegrationTests.Host;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Ui;

/// <summary>
/// Every role in one story, in Chromium on the quick start (real panel, jobs and sim agents): an admin adds a customer
/// account and its first user in the browser; that customer signs in, turns on two-factor sign-in on My account, signs
/// in again with a code, creates a server within its quota, resizes it, and is told the numbers when it asks past it.
/// </summary>
public sealed class AccountsJourneyUiTests(QuickStartPanel fixture, BrowserServer browser) : IClassFixture<QuickStartPanel>
{
    private const string Customer = "Initech", Owner = "initech-owner", OwnerPassword = "Initech-owner-pass-42";
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 30_000 };

    [Fact]
    public async Task AdminAddsACustomer_WhoSetsUpMfa_CreatesAndResizesAServerWithinQuota_AndIsRefusedPastIt()
    {
        await QuickStartFleet.WaitUntilSettledAsync(fixture, TestContext.Current.CancellationToken);
        var admin = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "admin", fixture.AdminPassword, new ViewportSize { Width = 1440, Height = 900 });

        // The admin: a customer with a 2 GiB memory quota, then its user with a password.
        await admin.GetByTestId("nav-customers").ClickAsync();
        await admin.GetByTestId("add-customer").ClickAsync();
        var dialog = admin.Locator(".mud-dialog");
        await Assertions.Expect(dialog.GetByTestId("tenant-name")).ToBeVisibleAsync(Patient);
        await dialog.GetByTestId("tenant-name").FillAsync(Customer);
        await dialog.GetByTestId("tenant-email").FillAsync("ops@initech.example");
        await ServerPages.ChooseAsync(admin, "tenant-plan", "PAYG Standard");
        await dialog.GetByTestId("quota-max-memory").FillAsync("2");
        await dialog.GetByTestId("tenant-submit").ClickAsync();
        var row = admin.Locator("tr", new() { Has = admin.GetByTestId($"customer-{Customer}") });
        await Assertions.Expect(row.GetByTestId("quota-memory-text")).ToHaveTextAsync("0 MiB of 2 GiB", new() { Timeout = 30_000 });

        await admin.GetByTestId("nav-users").ClickAsync();
        await admin.GetByTestId("add-user").ClickAsync();
        dialog = admin.Locator(".mud-dialog");
        await dialog.GetByTestId("user-name").FillAsync(Owner);
        await dialog.GetByTestId("user-display-name").FillAsync("Initech owner");
        await ServerPages.ChooseAsync(admin, "user-tenant", Customer);
        await dialog.GetByText("Set a password now").ClickAsync();
        await dialog.GetByTestId("user-password").FillAsync(OwnerPassword);
        await admin.GetByTestId("user-submit").ClickAsync();
        var userRow = admin.Locator("tr", new() { Has = admin.GetByTestId($"user-{Owner}") });
        await Assertions.Expect(userRow).ToContainTextAsync(Customer, new() { Timeout = 30_000 });

        // The customer: two-factor sign-in from My account.
        var customer = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, Owner, OwnerPassword);
        await customer.GotoAsync("/account");
        await customer.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await customer.GetByTestId("mfa-start").ClickAsync();
        var secret = (await customer.GetByTestId("mfa-secret").InnerTextAsync()).Replace(" ", "");
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        await customer.GetByTestId("mfa-code").FillAsync(totp.ComputeTotp());
        await customer.GetByTestId("mfa-confirm").ClickAsync();
        await Assertions.Expect(customer.GetByTestId("mfa-recovery-codes").Locator("div")).ToHaveCountAsync(10);
        await customer.GetByTestId("mfa-codes-done").ClickAsync();
        await Assertions.Expect(customer.GetByTestId("mfa-state")).ToHaveTextAsync("On");
        await customer.ScreenshotAsync(new() { Path = ServerPages.Shot("customer-my-account.png"), FullPage = true });

        // Signing in again now takes the password and a code (the next time step: the first one was used).
        customer = await browser.NewPageAsync(fixture.Panel.BaseUrl);
        await customer.GotoAsync("/account/login");
        await customer.Locator("#username").FillAsync(Owner);
        await customer.Locator("#password").FillAsync(OwnerPassword);
        await customer.GetByTestId("login-submit").ClickAsync();
        await customer.Locator("#mfa-code").FillAsync(totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30)));
        await customer.GetByTestId("mfa-submit").ClickAsync();
        await Assertions.Expect(customer.GetByTestId("your-quota")).ToBeVisibleAsync(Patient);
        await customer.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });   // live, not only prerendered

        // Within the quota: a 1 GiB container, then 1.5 GiB live.
        dialog = await ServerPages.OpenCreateDialogAsync(customer);
        await dialog.GetByTestId("create-name").FillAsync("initech-web");
        await dialog.GetByTestId("create-memory").FillAsync("1");
        await dialog.GetByTestId("create-submit").ClickAsync();
        await ServerPages.ExpectOperationSucceededAsync(customer, Slow);
        await Assertions.Expect(customer.GetByTestId("instance-state")).ToHaveTextAsync("Running");
        await ServerPages.ResizeAsync(customer, "initech-web", 1536, "1.5 GiB", Slow);

        // Past it: a second server of 1 GiB would make 2.5 GiB of 2; the dialog says so and nothing is created.
        dialog = await ServerPages.OpenCreateDialogAsync(customer);
        await dialog.GetByTestId("create-name").FillAsync("initech-db");
        await dialog.GetByTestId("create-memory").FillAsync("1");
        await dialog.GetByTestId("create-submit").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("create-error"))
            .ToHaveTextAsync("Initech may use 2 GiB; it has 1.5 GiB and asks for 1 GiB more.", new() { Timeout = 30_000 });
        await customer.ScreenshotAsync(new() { Path = ServerPages.Shot("customer-quota-refused.png") });
        await dialog.GetByTestId("create-cancel").ClickAsync();
        await Assertions.Expect(customer.GetByTestId("instance-row-initech-web")).ToBeVisibleAsync();
        await Assertions.Expect(customer.GetByTestId("instance-row-initech-db")).ToHaveCountAsync(0);
        await Assertions.Expect(customer.GetByTestId("instance-row-acme-web")).ToHaveCountAsync(0);   // another tenant's

        // The admin sees the customer's use against its quota.
        await admin.GetByTestId("nav-customers").ClickAsync();
        await Assertions.Expect(row.GetByTestId("quota-memory-text")).ToHaveTextAsync("1.5 GiB of 2 GiB", new() { Timeout = 30_000 });
    }
}
