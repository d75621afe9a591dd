using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VzPanel.Core.Features.Identity;
using VzPanel.IntegrationTests.Host;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Ui;

/// <summary>
/// The "done when", in Chromium on the quick start: a demo customer sees its spend move on the dashboard, moves a
/// server's memory up seeing the new price before confirming, and the hourly rate on the dashboard follows.
/// </summary>
public sealed class CustomerSpendUiTests(QuickStartPanel fixture, BrowserServer browser) : IClassFixture<QuickStartPanel>
{
    private static readonly LocatorAssertionsToHaveTextOptions Patient = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToContainTextOptions PatientContains = new() { Timeout = 30_000 };

    [Fact]
    public async Task ADemoCustomer_SeesThePriceBeforeAResize_AndTheSpendMoveOnTheDashboard()
    {
        await QuickStartFleet.WaitUntilSettledAsync(fixture, TestContext.Current.CancellationToken);
        await using (var db = fixture.Database.CreateContext())
        {
            var acme = await db.Tenants.SingleAsync(t => t.Name == "Acme Hosting", TestContext.Current.CancellationToken);
            await fixture.Database.CreateUserAsync("acme-spend", PanelRole.Customer, acme.Id);
        }
        var page = await browser.SignedInPageAsync(fixture.Panel.BaseUrl, "acme-spend", TestUsers.Password, new ViewportSize { Width = 1366, Height = 900 });

        var spent = page.GetByTestId("stat-spent-value");
        await Assertions.Expect(spent).ToContainTextAsync(" EUR", PatientContains);
        var spentBefore = await spent.TextContentAsync();
        await Assertions.Expect(spent).Not.ToHaveTextAsync(spentBefore!, Patient);   // the meter runs while the page is open
        await Assertions.Expect(page.GetByTestId("stat-balance-value")).ToContainTextAsync(" EUR");
        var hourlyBefore = await page.GetByTestId("stat-hourly-value").TextContentAsync();
        await page.ScreenshotAsync(new() { Path = ServerPages.Shot("dashboard-customer-spend.png"), FullPage = true });

        await page.GetByTestId("nav-servers").ClickAsync();
        await page.GetByTestId("instance-row-acme-web").GetByRole(AriaRole.Link).ClickAsync();
        var current = await page.GetByTestId("memory-price-after").TextContentAsync();
        var mib = long.Parse((await page.GetByTestId("memory-input").InputValueAsync())!, System.Globalization.CultureInfo.InvariantCulture);
        await page.GetByTestId("memory-input").FillAsync((mib + 512).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("memory-price-difference")).ToContainTextAsync("+", PatientContains);
        await Assertions.Expect(page.GetByTestId("memory-price")).ToContainTextAsync($"Now {current} per hour");
        await page.ScreenshotAsync(new() { Path = ServerPages.Shot("customer-price-before-resize.png"), FullPage = true });
        await page.GetByTestId("memory-apply").ClickAsync();
        await Assertions.Expect(page.GetByTestId("memory-current")).ToHaveTextAsync(Format(mib + 512), Patient);

        await page.GetByTestId("nav-dashboard").ClickAsync();
        await Assertions.Expect(page.GetByTestId("stat-hourly-value")).Not.ToHaveTextAsync(hourlyBefore!, Patient);

        // This month's statement so far: a line for the server just resized.
        await page.GetByTestId("nav-billing").ClickAsync();
        await page.Locator("[data-testid=statement-months] a").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("statement-lines")).ToContainTextAsync("acme-web", PatientContains);
        await Assertions.Expect(page.GetByTestId("statement-total")).ToContainTextAsync(" EUR");
        await page.ScreenshotAsync(new() { Path = ServerPages.Shot("customer-statement.png"), FullPage = true });
    }

    private static string Format(long mib) => mib % 1024 == 0 ? $"{mib / 1024} GiB" : mib > 1024 ? $"{mib / 1024.0:0.#} GiB" : $"{mib} MiB";
}
