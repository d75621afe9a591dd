using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OtpNet;
using VzPanel.Core.Features.Identity;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Identity;

/// <summary>API tokens and MFA through the real panel process: Bearer requests, read-only tokens, and sign-in with a code.</summary>
public sealed class AccountSecurityApiTests(PanelFixture fixture) : IClassFixture<PanelFixture>
{
    [Fact]
    public async Task WriteToken_DrivesTheApiAsItsUser_WithoutAnyCookie()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = await PanelSession.SignInAsync(fixture.Panel, "admin", fixture.AdminPassword);
        var token = await CreateTokenAsync(admin, "ci-write", "write");
        using var bearer = BearerClient(token.Token);

        var instances = await bearer.GetAsync("/api/v1/instances", ct);
        var me = await bearer.GetFromJsonAsync<JsonElement>("/api/v1/me", ct);

        instances.StatusCode.ShouldBe(HttpStatusCode.OK);
        me.GetProperty("name").GetString().ShouldBe("admin");
        me.GetProperty("role").GetString().ShouldBe("Admin");
        me.GetProperty("canChangeInventory").GetBoolean().ShouldBeTrue();
        var listed = await admin.Http.GetFromJsonAsync<JsonElement[]>("/api/v1/me/tokens", ct);
        var row = listed!.Single(t => t.GetProperty("id").GetGuid() == token.Id);
        row.GetProperty("scope").GetString().ShouldBe("write");
        row.GetProperty("lastUsedAt").ValueKind.ShouldBe(JsonValueKind.String);
        row.TryGetProperty("token", out _).ShouldBeFalse();
        await using var db = fixture.Database.CreateContext();
        (await db.AuditEvents.CountAsync(a => a.Action == "auth.token-used" && a.TargetId == token.Id.ToString(), ct)).ShouldBe(1);
    }

    [Fact]
    public async Task ReadToken_Reads_ButEveryChangeIsRefusedWith403_AndNothingChanges()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await fixture.Database.TenantAsync("read-token-co");
        var node = await fixture.Database.NodeAsync("read-token-node");
        var instance = await fixture.Database.InstanceAsync(tenant, node, "read-token-ct");
        var ownerUser = await fixture.Database.CreateUserAsync("read-token-owner", PanelRole.Customer, tenant.Id);
        await using var owner = await PanelSession.SignInAsync(fixture.Panel, "read-token-owner", TestUsers.Password);
        var token = await CreateTokenAsync(owner, "monitoring", "read");
        using var bearer = BearerClient(token.Token);

        var list = await bearer.GetFromJsonAsync<JsonElement>("/api/v1/instances", ct);
        var stop = await bearer.PostAsync($"/api/v1/instances/{instance.Id}/stop", null, ct);
        var createToken = await bearer.PostAsJsonAsync("/api/v1/me/tokens", new { name = "escalate", scope = "write", expiresInDays = 1 }, ct);
        var revokeItself = await bearer.DeleteAsync($"/api/v1/me/tokens/{token.Id}", ct);

        list.GetRawText().ShouldContain("read-token-ct");
        foreach (var refused in new[] { stop, createToken, revokeItself })
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await CodeOfAsync(refused)).ShouldBe("read_only_token");
        }
        await using var db = fixture.Database.CreateContext();
        (await db.Operations.CountAsync(o => o.TargetId == instance.Id, ct)).ShouldBe(0);
        (await db.ApiTokens.CountAsync(t => t.UserId == ownerUser.Id, ct)).ShouldBe(1);
        // Still not revoked, and the data layer's scope says the same as the API: this caller changes nothing.
        (await bearer.GetFromJsonAsync<JsonElement>("/api/v1/me", ct)).GetProperty("canChangeInventory").GetBoolean().ShouldBeFalse();
        // Refusals are audited aggregated: one row for the three within a minute, counting them.
        var denied = await db.AuditEvents.SingleAsync(a => a.Action == "auth.denied" && a.TargetId == token.Id.ToString(), ct);
        denied.Summary.ShouldEndWith("(×3 within 1 min)");
    }

    [Fact]
    public async Task RevokedOrUnknownToken_Gets401WithOneMessage_EvenWithASignInCookie()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = await PanelSession.SignInAsync(fixture.Panel, "admin", fixture.AdminPassword);
        var token = await CreateTokenAsync(admin, "to-revoke", "write");
        (await admin.Http.DeleteAsync($"/api/v1/me/tokens/{token.Id}", ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var revoked = BearerClient(token.Token);
        using var unknown = BearerClient("vzp_abcdefgh_" + new string('x', 43));

        var answers = new[]
        {
            await revoked.GetAsync("/api/v1/instances", ct),
            await unknown.GetAsync("/api/v1/instances", ct),
            // The cookie is ignored when a Bearer header is present: a bad token is not rescued by a session.
            await SendWithBearerAsync(admin.Http, token.Token, "/api/v1/instances"),
        };

        foreach (var answer in answers)
        {
            answer.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await CodeOfAsync(answer)).ShouldBe("token_invalid");
        }
        (await admin.Http.GetAsync("/api/v1/instances", ct)).StatusCode.ShouldBe(HttpStatusCode.OK);   // the cookie alone still works
    }

    [Fact]
    public async Task Token_OfALockedOrDeletedUser_Gets401()
    {
        var ct = TestContext.Current.CancellationToken;
        var locked = await fixture.Database.CreateUserAsync("token-locked", PanelRole.Support);
        var deleted = await fixture.Database.CreateUserAsync("token-deleted", PanelRole.Support);
        await using var lockedSession = await PanelSession.SignInAsync(fixture.Panel, "token-locked", TestUsers.Password);
        await using var deletedSession = await PanelSession.SignInAsync(fixture.Panel, "token-deleted", TestUsers.Password);
        var lockedToken = await CreateTokenAsync(lockedSession, "locked", "read");
        var deletedToken = await CreateTokenAsync(deletedSession, "deleted", "read");
        using var lockedClient = BearerClient(lockedToken.Token);
        (await lockedClient.GetAsync("/api/v1/me", ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await using (var db = fixture.Database.CreateContext())
        {
            await db.Users.Where(u => u.Id == locked.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.LockoutEnd, DateTimeOffset.UtcNow.AddHours(1)), ct);
            await db.Users.Where(u => u.Id == deleted.Id).ExecuteDeleteAsync(ct);
        }
        using var deletedClient = BearerClient(deletedToken.Token);

        foreach (var answer in new[] { await lockedClient.GetAsync("/api/v1/me", ct), await deletedClient.GetAsync("/api/v1/me", ct) })
        {
            answer.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await CodeOfAsync(answer)).ShouldBe("token_invalid");
        }
    }

    [Fact]
    public async Task Tokens_AnotherUsersId_Is404_AndBadInputIs400WithTheField()
    {
        var ct = TestContext.Current.CancellationToken;
        await fixture.Database.CreateUserAsync("token-neighbour", PanelRole.Support);
        await using var admin = await PanelSession.SignInAsync(fixture.Panel, "admin", fixture.AdminPassword);
        await using var neighbour = await PanelSession.SignInAsync(fixture.Panel, "token-neighbour", TestUsers.Password);
        var token = await CreateTokenAsync(admin, "admins-own", "read");

        var revoke = await neighbour.Http.DeleteAsync($"/api/v1/me/tokens/{token.Id}", ct);
        var bad = await admin.Http.PostAsJsonAsync("/api/v1/me/tokens", new { name = "x", scope = "root", expiresInDays = 400 }, ct);

        revoke.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("errors");
        errors.TryGetProperty("scope", out _).ShouldBeTrue();
        errors.TryGetProperty("expiresInDays", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Mfa_SetUpThroughTheApi_ThenSignInNeedsTheCode_AndRecoveryCodesWorkOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await fixture.Database.TenantAsync("mfa-co");
        await fixture.Database.CreateUserAsync("mfa-customer", PanelRole.Customer, tenant.Id);
        await using var first = await PanelSession.SignInAsync(fixture.Panel, "mfa-customer", TestUsers.Password);

        var setup = await (await first.Http.PostAsync("/api/v1/me/mfa/totp", null, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        var secret = setup.GetProperty("secret").GetString()!;
        setup.GetProperty("otpauthUri").GetString().ShouldBe($"otpauth://totp/VzPanel:mfa-customer?secret={secret}&issuer=VzPanel");
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        var wrong = await first.Http.PostAsJsonAsync("/api/v1/me/mfa/totp/confirm", new { code = totp.ComputeTotp() == "000000" ? "111111" : "000000" }, ct);
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeOfAsync(wrong)).ShouldBe("mfa_code_invalid");
        var confirmed = await first.Http.PostAsJsonAsync("/api/v1/me/mfa/totp/confirm", new { code = totp.ComputeTotp() }, ct);
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var recovery = (await confirmed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("recoveryCodes")
            .EnumerateArray().Select(c => c.GetString()!).ToList();
        recovery.Count.ShouldBe(10);

        // The password alone no longer signs in: the page asks for the code and sets no cookie.
        using var passwordOnly = fixture.Panel.CreateClient();
        var step = await SignInForm.PostAsync(passwordOnly, "mfa-customer", TestUsers.Password);
        var stepPage = await step.Content.ReadAsStringAsync(ct);
        SignInForm.AsksForCode(stepPage).ShouldBeTrue();
        (step.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []).ShouldNotContain(c => c.StartsWith("vzpanel.auth"));
        (await passwordOnly.GetAsync("/api/v1/me", ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var refused = await SignInForm.PostCodeAsync(passwordOnly, stepPage, "000000");
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync(ct)).ShouldContain("That code is not right");

        // The next step's code is inside the ±1 window and newer than the one used to confirm.
        var code = totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30));
        await using var withCode = await PanelSession.SignInAsync(fixture.Panel, "mfa-customer", TestUsers.Password, () => code);
        (await withCode.Http.GetFromJsonAsync<JsonElement>("/api/v1/me", ct)).GetProperty("name").GetString().ShouldBe("mfa-customer");
        await Should.ThrowAsync<InvalidOperationException>(() => PanelSession.SignInAsync(fixture.Panel, "mfa-customer", TestUsers.Password, () => code));

        await using var withRecovery = await PanelSession.SignInAsync(fixture.Panel, "mfa-customer", TestUsers.Password, () => recovery[0]);
        await Should.ThrowAsync<InvalidOperationException>(() => PanelSession.SignInAsync(fixture.Panel, "mfa-customer", TestUsers.Password, () => recovery[0]));

        await using var db = fixture.Database.CreateContext();
        var user = await db.Users.SingleAsync(u => u.UserName == "mfa-customer", ct);
        (await db.AuditEvents.CountAsync(a => a.ActorId == user.Id && a.Action == "auth.mfa-failed", ct)).ShouldBe(4);   // setup, form, replay, spent code

        // Turning it off needs proof; with the password it goes, and the password alone signs in again.
        (await DeleteWithBodyAsync(withCode.Http, "/api/v1/me/mfa", new { code = "000000" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await DeleteWithBodyAsync(withCode.Http, "/api/v1/me/mfa", new { password = TestUsers.Password })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await using var again = await PanelSession.SignInAsync(fixture.Panel, "mfa-customer", TestUsers.Password);
    }

    internal static async Task<(Guid Id, string Token)> CreateTokenAsync(PanelSession session, string name, string scope)
    {
        var response = await session.Http.PostAsJsonAsync("/api/v1/me/tokens", new { name, scope, expiresInDays = 30 });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/me/tokens/{id}");
        return (id, body.GetProperty("token").GetString()!);
    }

    private HttpClient BearerClient(string token)
    {
        var client = new HttpClient { BaseAddress = fixture.Panel.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static Task<HttpResponseMessage> SendWithBearerAsync(HttpClient client, string token, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> DeleteWithBodyAsync(HttpClient client, string path, object body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, path) { Content = JsonContent.Create(body) });

    private static async Task<string?> CodeOfAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

}
