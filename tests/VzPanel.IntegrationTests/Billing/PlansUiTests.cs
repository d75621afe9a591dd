using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Tenancy;

namespace VzPanel.IntegrationTests.Billing;

/// <summary>The Plans page in Chromium, on the real panel: an admin adds a plan and reprices one in use after confirming.</summary>
public sealed class PlansUiTests(TenantApiFixture fixture, BrowserServer browser) : IClassFixture<TenantApiFixture>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 30_000 };
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admin_AddsAPlan_AndRepricesOneInUseAfterConfirming()
    {
        var tenant = await fixture.Database.TenantAsync("Stark Cloud");
        await fixture.Database.ServerAsync(tenant, await fixture.Database.NodeAsync());
        string inUse;
        await using (var db = fixture.Database.CreateContext())
            inUse = (await db.Plans.SingleAsync(p => p.Id == tenant.PlanId, _ct)).Name;
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
        await Assertions.Expect(dialog.GetByTestId("plan-price-memory")).ToBeVisibleAsync(Patient);
        await dialog.GetByTestId("plan-price-memory").FillAsync("0.009");
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
