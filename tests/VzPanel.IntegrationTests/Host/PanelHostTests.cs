using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Identity;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Host;

/// <summary>The real panel process against real PostgreSQL, spoken to over HTTP.</summary>
public sealed class PanelHostTests(PanelFixture fixture) : IClassFixture<PanelFixture>
{
    [Theory]
    [InlineData("/health/ready")]
    [InlineData("/health/live")]
    public async Task Health_WithDatabaseUp_Is200(string path)
    {
        using var client = fixture.Panel.CreateClient();

        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBe("Healthy");
    }

    [Fact]
    public void Production_StartsNoDatabaseAndNoAgentsOfItsOwn()
    {
        // A connection string and no local agents asked for: core and web alone, without the quick-start host.
        Directory.Exists(Path.Combine(fixture.DataDirectory, "postgres")).ShouldBeFalse();
        Directory.Exists(Path.Combine(fixture.DataDirectory, "agents")).ShouldBeFalse();
        fixture.Panel.Output.ShouldNotContain("VzPanel.QuickStart");
    }

    [Fact]
    public async Task Dashboard_NotSignedIn_RedirectsToSignIn()
    {
        using var client = fixture.Panel.CreateClient();

        var response = await client.GetAsync("/", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.PathAndQuery.ShouldBe("/account/login?ReturnUrl=%2F");
    }

    [Fact]
    public async Task SignInPage_Renders()
    {
        using var client = fixture.Panel.CreateClient();

        var html = await client.GetStringAsync("/account/login", TestContext.Current.CancellationToken);

        html.ShouldContain("<title>Sign in · VzPanel</title>");
        html.ShouldContain("name=\"Input.UserName\"");
        html.ShouldContain("type=\"password\"");
        html.ShouldContain("__RequestVerificationToken");
    }

    [Fact]
    public async Task Api_NotSignedIn_Is401NotARedirect()
    {
        using var client = fixture.Panel.CreateClient();

        var response = await client.GetAsync("/api/v1/me", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SignIn_PrintedAdmin_ReachesTheApiAsAdmin()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = fixture.Panel.CreateClient();

        var signIn = await SignInForm.PostAsync(client, "admin", fixture.AdminPassword);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me", ct);

        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        me.GetProperty("role").GetString().ShouldBe("Admin");
        me.GetProperty("canChangeInventory").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Api_UnknownInstance_IsProblemDetails404()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = fixture.Panel.CreateClient();
        await SignInForm.PostAsync(client, "admin", fixture.AdminPassword);

        var response = await client.GetAsync("/api/v1/instances/resolve/no-such-server", ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        problem.GetProperty("detail").GetString().ShouldBe("Instance 'no-such-server' was not found.");
        problem.GetProperty("code").GetString().ShouldBe("not_found");
    }

    [Fact]
    public async Task SignIn_WrongPasswordFiveTimes_LocksTheAccount()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await fixture.Database.CreateUserAsync("lock-me", PanelRole.Support);
        using var client = fixture.Panel.CreateClient();

        for (var i = 1; i <= 4; i++)
        {
            var wrong = await SignInForm.PostAsync(client, "lock-me", $"wrong-{i}");
            (await wrong.Content.ReadAsStringAsync(ct)).ShouldContain("Wrong user name or password.");
        }
        var fifth = await SignInForm.PostAsync(client, "lock-me", "wrong-5");
        var withRightPassword = await SignInForm.PostAsync(client, "lock-me", TestUsers.Password);

        // Locked, and told in the same words as a wrong password, so nobody learns from them that the account exists.
        (await fifth.Content.ReadAsStringAsync(ct)).ShouldContain("Wrong user name or password. After repeated failures an account is locked");
        withRightPassword.StatusCode.ShouldBe(HttpStatusCode.OK);        // the form again, no redirect into the panel
        (await withRightPassword.Content.ReadAsStringAsync(ct)).ShouldContain("Wrong user name or password. After repeated failures an account is locked");
        await using var db = fixture.Database.CreateContext();
        var stored = await db.Users.SingleAsync(u => u.Id == user.Id, ct);
        stored.LockoutEnd.ShouldNotBeNull().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(10));
        (await db.AuditEvents.Where(a => a.ActorId == user.Id).Select(a => a.Action).ToListAsync(ct))
            .ShouldBe(["auth.sign-in-failed", "auth.sign-in-failed", "auth.sign-in-failed", "auth.sign-in-failed", "auth.locked-out", "auth.locked-out"], ignoreOrder: true);
    }

    [Fact]
    public async Task OpenApi_DescribesTheApi()
    {
        using var client = fixture.Panel.CreateClient();

        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);

        doc.GetProperty("paths").TryGetProperty("/api/v1/me", out _).ShouldBeTrue();
    }
}
