using Microsoft.Playwright;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Security;

/// <summary>The Content-Security-Policy blocks nothing the panel itself needs, in real Chromium.</summary>
public sealed class CspBrowserTests(PanelFixture fixture, BrowserServer browser) : IClassFixture<PanelFixture>
{
    [Fact]
    public async Task SignInDashboardAndLiveCircuit_RunUnderThePolicy_WithoutAViolation()
    {
        var page = await browser.NewPageAsync(fixture.Panel.BaseUrl);
        var complaints = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning") complaints.Add(message.Text);
        };
        page.PageError += (_, error) => complaints.Add(error);

        await page.GotoAsync("/account/login");
        await page.Locator("#username").FillAsync("admin");
        await page.Locator("#password").FillAsync(fixture.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.GetByTestId("circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });   // the WebSocket is up
        await page.GetByTestId("dark-mode-toggle").ClickAsync();   // an interactive event over the circuit, and JS interop
        await page.WaitForFunctionAsync("() => localStorage.getItem('vzpanel.theme') === 'dark'");

        complaints.Where(c => c.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || c.Contains("Refused to", StringComparison.Ordinal))
            .ShouldBeEmpty();
    }
}
