using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Identity;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Security;

/// <summary>Sign-in sessions: recorded, bounded in time, and ended everywhere by signing out, hub connections included.</summary>
public sealed class SessionTests(HardeningFixture fixture) : IClassFixture<HardeningFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_RecordsTheSession_AndLastSeenMovesAtMostOnceAMinute()
    {
        var user = await fixture.Database.CreateUserAsync("session-seen", PanelRole.Support);
        using var browser = await fixture.SignedInFromAsync("192.0.2.51", "session-seen", TestUsers.Password);

        var session = await SessionOfAsync(user.Id);
        session.SourceAddress.ShouldBe("192.0.2.51");
        session.ExpiresAt.ShouldBe(session.CreatedAt.AddDays(7), TimeSpan.FromSeconds(1));   // the default absolute lifetime
        session.EndedAt.ShouldBeNull();
        (await browser.GetAsync("/api/v1/me", _ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SessionOfAsync(user.Id)).LastSeenAt.ShouldBe(session.LastSeenAt);   // within the minute: not written again

        await Sql.ExecuteAsync(fixture.Database.ConnectionString,
            $"UPDATE user_sessions SET last_seen_at = now() - interval '2 minutes' WHERE id = '{session.Id}'", _ct);
        (await browser.GetAsync("/api/v1/me", _ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SessionOfAsync(user.Id)).LastSeenAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddSeconds(-30));
    }

    [Fact]
    public async Task Session_PastItsAbsoluteLifetime_IsRefused_HoweverActive()
    {
        var user = await fixture.Database.CreateUserAsync("session-old", PanelRole.Support);
        using var browser = await fixture.SignedInFromAsync("192.0.2.52", "session-old", TestUsers.Password);
        (await browser.GetAsync("/api/v1/me", _ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await Sql.ExecuteAsync(fixture.Database.ConnectionString,
            $"UPDATE user_sessions SET expires_at = now() - interval '1 second' WHERE user_id = '{user.Id}'", _ct);

        (await browser.GetAsync("/api/v1/me", _ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SignOut_EndsEverySessionOfTheUser_HubConnectionsIncluded()
    {
        var user = await fixture.Database.CreateUserAsync("session-everywhere", PanelRole.Support);
        using var laptop = await fixture.SignedInFromAsync("192.0.2.53", "session-everywhere", TestUsers.Password);
        var phoneCookies = new CookieContainer();
        using var phone = fixture.ClientFrom("192.0.2.53", phoneCookies);
        (await SignInForm.PostAsync(phone, "session-everywhere", TestUsers.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await using var hub = await ConnectedHubAsync(phoneCookies);
        var closed = new TaskCompletionSource();
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        (await laptop.PostAsync("/account/logout", null, _ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        (await phone.GetAsync("/api/v1/me", _ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(15), _ct);
        await using var db = fixture.Database.CreateContext();
        (await db.UserSessions.Where(s => s.UserId == user.Id).Select(s => s.EndedAt).ToListAsync(_ct))
            .ShouldAllBe(ended => ended != null);
    }

    [Fact]
    public async Task SignOut_WithoutTheAntiforgeryToken_IsRefused_AndTheSessionStays()
    {
        await fixture.Database.CreateUserAsync("session-forged-out", PanelRole.Support);
        using var browser = await fixture.SignedInFromAsync("192.0.2.55", "session-forged-out", TestUsers.Password);
        browser.DefaultRequestHeaders.Remove("X-VzPanel-CSRF");

        (await browser.PostAsync("/account/logout", null, _ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await browser.GetAsync("/api/v1/me", _ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PasswordChangedElsewhere_ClosesTheHubConnectionsOfTheOldPassword()
    {
        var user = await fixture.Database.CreateUserAsync("session-stamp", PanelRole.Support);
        var cookies = new CookieContainer();
        using var browser = fixture.ClientFrom("192.0.2.54", cookies);
        (await SignInForm.PostAsync(browser, "session-stamp", TestUsers.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await using var hub = await ConnectedHubAsync(cookies);
        var closed = new TaskCompletionSource();
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        // What Identity does on a password change: a new security stamp.
        await Sql.ExecuteAsync(fixture.Database.ConnectionString,
            $"UPDATE users SET security_stamp = '{Guid.NewGuid():N}' WHERE id = '{user.Id}'", _ct);

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(15), _ct);
    }

    private async Task<HubConnection> ConnectedHubAsync(CookieContainer cookies)
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(fixture.Panel.BaseUrl, "/hubs/events"), o => o.Cookies = cookies).Build();
        await hub.StartAsync(_ct);
        hub.State.ShouldBe(HubConnectionState.Connected);
        return hub;
    }

    private async Task<VzPanel.Core.Features.Identity.Sessions.UserSession> SessionOfAsync(Guid userId)
    {
        await using var db = fixture.Database.CreateContext();
        return await db.UserSessions.AsNoTracking().SingleAsync(s => s.UserId == userId, _ct);
    }
}
