using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Tenancy;

/// <summary>The Customers and Plans pages and the customer's dashboard in Chromium, on the real panel.</summary>
public sealed class CustomersUiTests(TenantApiFixture fixture, BrowserServer browser) : IClassFixture<TenantApiFixture>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 30_000 };
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admin_AddsACustomer_SuspendsIt_AndCannotDeleteOneWithServers()
    {
        await using (var db = fixture.Database.CreateContext())
        {
            if (!await db.Instances.AnyAsync(i => i.TenantId == fixture.Globex.Id, _ct))
                await fixture.Database.ServerAsync(fixture.Globex, await fixture.Database.NodeAsync());
        }
        var planName = await PlanNameAsync(fixture.Acme.PlanId);
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "admin", fixture.AdminPassword);

        await page.GetByTestId("nav-customers").ClickAsync();
        await page.GetByTestId("add-customer").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog.GetByTestId("tenant-name")).ToBeVisibleAsync(Patient);
        await dialog.GetByTestId("tenant-name").FillAsync("Umbrella Corp");
        await dialog.GetByTestId("tenant-email").FillAsync("ops@umbrella.example");
        await ServerPages.ChooseAsync(page, "tenant-plan", planName);
        await dialog.GetByTestId("quota-max-servers").FillAsync("2");
        await dialog.GetByTestId("tenant-submit").ClickAsync();

        var row = page.Locator("tr", new() { Has = page.GetByTestId("customer-Umbrella Corp") });
        await Assertions.Expect(row.GetByTestId("quota-servers-text")).ToHaveTextAsync("0 of 2", new() { Timeout = 30_000 });
        await Assertions.Expect(row.GetByTestId("quota-memory-text")).ToHaveTextAsync("0 MiB · no limit");
        await Assertions.Expect(row.GetByRole(AriaRole.Progressbar, new() { Name = "Servers: 0 of 2 used" })).ToBeVisibleAsync();

        await page.GetByTestId("suspend-Umbrella Corp").ClickAsync();
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(row.GetByTestId("tenant-state")).ToHaveTextAsync("Suspended");

        await page.ScreenshotAsync(new() { Path = ServerPages.Shot("customers-admin.png"), FullPage = true });
        var globex = page.Locator("tr", new() { Has = page.GetByTestId("customer-Globex Shop") });
        await globex.GetByTestId("delete-Globex Shop").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-yes")).ToBeDisabledAsync();
        await page.GetByTestId("confirm-name").FillAsync("Globex Shop");
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar", new() { HasText = "Globex Shop still has 1 server; delete them first" })).ToBeVisibleAsync(Patient);
        await Assertions.Expect(globex).ToBeVisibleAsync();

        await using var check = fixture.Database.CreateContext();
        var umbrella = await check.Tenants.SingleAsync(t => t.Name == "Umbrella Corp", _ct);
        (umbrella.State, umbrella.ContactEmail, umbrella.Quotas).ShouldBe((TenantState.Suspended, "ops@umbrella.example", new TenantQuotas { MaxServers = 2 }));
    }

    [Fact]
    public async Task Customer_SeesItsQuotaOnTheDashboard_AndTheBannerWhenSuspended()
    {
        var tenant = await fixture.Database.TenantAsync("Soylent");
        await fixture.Database.WithQuotasAsync(tenant, new TenantQuotas { MaxServers = 4, MaxMemoryMiB = 8192 });
        await fixture.Database.ServerAsync(tenant, await fixture.Database.NodeAsync(), memoryMiB: 2048);
        await fixture.Database.CreateUserAsync("soylent-owner", Core.Features.Identity.PanelRole.Customer, tenant.Id);
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "soylent-owner", TestUsers.Password);

        var card = page.GetByTestId("your-quota");
        await Assertions.Expect(card).ToBeVisibleAsync(Patient);
        await Assertions.Expect(card.GetByTestId("quota-servers-text")).ToHaveTextAsync("1 of 4");
        await Assertions.Expect(card.GetByTestId("quota-memory-text")).ToHaveTextAsync("2 GiB of 8 GiB");
        await Assertions.Expect(page.GetByTestId("suspended-banner")).ToHaveCountAsync(0);

        await using (var db = fixture.Database.CreateContext())
        {
            (await db.Tenants.SingleAsync(t => t.Id == tenant.Id, _ct)).State = TenantState.Suspended;
            await db.SaveChangesAsync(_ct);
        }
        await page.ReloadAsync();

        await Assertions.Expect(page.GetByTestId("suspended-banner")).ToContainTextAsync("This account is suspended: you can look, not change.", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("your-quota")).ToBeVisibleAsync();   // still reads
        await page.ScreenshotAsync(new() { Path = ServerPages.Shot("customer-quota-suspended.png"), FullPage = true });
    }

    /// <summary>An admin adds credit on the customer's page: the balance and the ledger show it, and the ledger row is in the database.</summary>
    [Fact]
    public async Task Admin_AddsCreditOnTheCustomersPage_AndSeesTheBalanceAndTheLedgerLine()
    {
        var tenant = await fixture.Database.TenantAsync("Wayne Enterprises");
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "admin", fixture.AdminPassword);

        await page.GetByTestId("nav-customers").ClickAsync();
        await page.GetByTestId("customer-Wayne Enterprises").GetByRole(AriaRole.Link).ClickAsync();
        var card = page.GetByTestId("credit-card");
        await Assertions.Expect(card.GetByTestId("credit-balance")).ToHaveTextAsync("0.00 EUR", new() { Timeout = 30_000 });
        await Assertions.Expect(card.GetByTestId("credit-ledger-empty")).ToBeVisibleAsync();
        await card.GetByTestId("add-credit").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog.GetByTestId("credit-amount")).ToBeVisibleAsync(Patient);
        await dialog.GetByTestId("credit-amount").FillAsync("25.00");
        await dialog.GetByTestId("credit-note").FillAsync("Bank transfer WE-2026-11");
        await Assertions.Expect(dialog.GetByTestId("credit-preview")).ToHaveTextAsync("Balance after: 25.00 EUR");
        await page.ScreenshotAsync(new() { Path = ServerPages.Shot("customer-credit-dialog.png") });
        await dialog.GetByTestId("credit-submit").ClickAsync();

        await Assertions.Expect(card.GetByTestId("credit-balance")).ToHaveTextAsync("25.00 EUR", new() { Timeout = 30_000 });
        await Assertions.Expect(card.GetByTestId("credit-credits")).ToHaveTextAsync("25.00 EUR");
        var line = card.GetByTestId("credit-line");
        await Assertions.Expect(line).ToHaveCountAsync(1);
        await Assertions.Expect(line).ToContainTextAsync("25.00 EUR");
        await Assertions.Expect(line).ToContainTextAsync("Bank transfer WE-2026-11");
        await Assertions.Expect(line).ToContainTextAsync("admin");
        await page.ScreenshotAsync(new() { Path = ServerPages.Shot("customer-credit.png"), FullPage = true });
        await page.GetByTestId("nav-customers").ClickAsync();
        await Assertions.Expect(page.GetByTestId("balance-Wayne Enterprises").GetByTestId("balance-text")).ToHaveTextAsync("25.00 EUR", new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = ServerPages.Shot("customers-balances.png"), FullPage = true });

        await using var check = fixture.Database.CreateContext();
        var entry = await check.CreditEntries.SingleAsync(c => c.TenantId == tenant.Id, _ct);
        (entry.Amount, entry.Note, entry.CreatedBy).ShouldBe((25.00m, "Bank transfer WE-2026-11", "admin"));
    }

    private async Task<string> PlanNameAsync(Guid planId)
    {
        await using var db = fixture.Database.CreateContext();
        return await db.Plans.Where(p => p.Id == planId).Select(p => p.Name).SingleAsync(_ct);
    }

    /// <summary>An admin adds a plan, then reprices one in use: the service asks first, and the open usage splits.</summary>
    [Fact]
    public async Task Admin_AddsAPlan_AndRepricesOneInUseAfterConfirming()
    {
        var tenant = await fixture.Database.TenantAsync("Stark Cloud");
        await fixture.Database.ServerAsync(tenant, await fixture.Database.NodeAsync());
        var inUse = await PlanNameAsync(tenant.PlanId);
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "admin", fixture.AdminPassword);

        await page.GetByTestId("nav-plans").ClickAsync();
        await page.GetByTestId("add-plan").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog.GetByTestId("plan-name")).ToBeVisibleAsync(Patient);
        await dialog.GetByTestId("plan-name").FillAsync("Starter");
        await dialog.GetByTestId("plan-price-memory").FillAsync("0.003");
        await dialog.GetByTestId("plan-price-vcpu").FillAsync("0.01");
        await dialog.GetByTestId("plan-price-disk").FillAsync("0.05");
        await dialog.GetByTestId("plan-submit").ClickAsync();

        var starter = page.Locator("tr", new() { Has = page.GetByTestId("plan-Starter") });
        await Assertions.Expect(starter.GetByTestId("plan-memory-price")).ToHaveTextAsync("0.003", new() { Timeout = 30_000 });
        await Assertions.Expect(starter.GetByTestId("plan-customers")).ToHaveTextAsync("0");

        var row = page.Locator("tr", new() { Has = page.GetByTestId($"plan-{inUse}") });
        await Assertions.Expect(row.GetByTestId("plan-servers")).ToHaveTextAsync("1");
        await row.GetByTestId($"edit-{inUse}").ClickAsync();
        // The form shows the plan's prices once it has read them; typing before that would be overwritten (a busy machine).
        await Assertions.Expect(dialog.GetByTestId("plan-price-memory")).ToHaveValueAsync("0.004000", new() { Timeout = 30_000 });
        await dialog.GetByTestId("plan-price-memory").FillAsync("0.009");
        await Assertions.Expect(dialog.GetByTestId("plan-price-memory")).ToHaveValueAsync("0.009");
        await dialog.GetByTestId("plan-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-message")).ToContainTextAsync("affects 1 customer with 1 server", new() { Timeout = 30_000 });
        await page.GetByTestId("confirm-yes").ClickAsync();

        await Assertions.Expect(row.GetByTestId("plan-memory-price")).ToHaveTextAsync("0.009", new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = ServerPages.Shot("plans-admin.png"), FullPage = true });
        await using var check = fixture.Database.CreateContext();
        (await check.Plans.SingleAsync(p => p.Id == tenant.PlanId, _ct)).PricePerGiBHour.ShouldBe(0.009m);
        (await check.UsageSegments.CountAsync(u => u.TenantId == tenant.Id, _ct)).ShouldBe(2);   // split at the change
    }
}
