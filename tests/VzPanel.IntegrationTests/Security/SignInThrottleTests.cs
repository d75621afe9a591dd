using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Identity;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Security;

/// <summary>Sign-in limits (production defaults) through the real panel, addresses told by the known proxy.</summary>
public sealed class SignInThrottleTests(HardeningFixture fixture, ITestOutputHelper output) : IClassFixture<HardeningFixture>
{
    private const string Refused = "Too many sign-in attempts. Wait a minute and try again.";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoHundredWrongPasswords_FromOneAddress_AreThrottled_WhileTheOwnerStillSignsInFromHome()
    {
        var victim = await fixture.Database.CreateUserAsync("throttle-victim", PanelRole.Customer, (await fixture.Database.TenantAsync()).Id);
        using (await fixture.SignedInFromAsync("198.51.100.7", "throttle-victim", TestUsers.Password)) { }   // home: signed in before
        using var attacker = fixture.ClientFrom("203.0.113.5");

        var clock = Stopwatch.StartNew();
        int wrongPassword = 0, throttled = 0;
        for (var i = 0; i < 200; i++)
        {
            var response = await SignInForm.PostAsync(attacker, "throttle-victim", $"guess-{i}");
            var page = await response.Content.ReadAsStringAsync(_ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);   // never signed in
            if (page.Contains(Refused)) throttled++;
            else if (page.Contains("Wrong user name or password")) wrongPassword++;
        }
        clock.Stop();
        using var home = fixture.ClientFrom("198.51.100.7");
        var owner = await SignInForm.PostAsync(home, "throttle-victim", TestUsers.Password);

        output.WriteLine($"200 wrong-password attempts from one address in {clock.Elapsed.TotalSeconds:0.0} s: "
            + $"{wrongPassword} had their password checked, {throttled} were refused by the throttle.");
        (wrongPassword + throttled).ShouldBe(200);
        wrongPassword.ShouldBeLessThanOrEqualTo(3);   // the per-user bucket for unfamiliar addresses: below the lockout threshold
        owner.StatusCode.ShouldBe(HttpStatusCode.Redirect);   // not locked out: the owner's own address still gets in
        await using var db = fixture.Database.CreateContext();
        (await db.Users.SingleAsync(u => u.Id == victim.Id, _ct)).LockoutEnd.ShouldBeNull();
        var audit = await db.AuditEvents.Where(a => a.Action == "auth.sign-in-throttled" && a.Actor == "throttle-victim").ToListAsync(_ct);
        // Every refusal is counted, on one row per minute, not one row each.
        audit.Count.ShouldBeLessThanOrEqualTo((int)clock.Elapsed.TotalMinutes + 1);
        audit.ShouldAllBe(a => Equals(a.SourceAddress, IPAddress.Parse("203.0.113.5")));
        audit.Sum(a => Count(a.Summary)).ShouldBe(throttled);
    }

    private static int Count(string summary) =>
        System.Text.RegularExpressions.Regex.Match(summary, @"\(×(\d+) within") is { Success: true } m ? int.Parse(m.Groups[1].Value) : 1;

    [Fact]
    public async Task OneAddress_SprayingManyUserNames_IsThrottledByAddress()
    {
        using var sprayer = fixture.ClientFrom("203.0.113.9");

        var refused = 0;
        for (var i = 0; i < 30; i++)
        {
            var page = await (await SignInForm.PostAsync(sprayer, $"spray-{i}", "Summer2026!")).Content.ReadAsStringAsync(_ct);
            if (page.Contains(Refused)) refused++;
        }

        refused.ShouldBeGreaterThanOrEqualTo(30 - 10 - 2);   // the address's burst of 10 (plus what refills meanwhile)
        using var elsewhere = fixture.ClientFrom("203.0.113.10");
        var other = await (await SignInForm.PostAsync(elsewhere, "spray-0", "Summer2026!")).Content.ReadAsStringAsync(_ct);
        other.ShouldContain("Wrong user name or password");   // another address is not held up
    }
}
