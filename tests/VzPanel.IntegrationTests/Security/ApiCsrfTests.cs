using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Security;

/// <summary>Cookie-authenticated API changes need the antiforgery header; a refusal changes nothing and is audited.</summary>
public sealed class ApiCsrfTests(HardeningFixture fixture) : IClassFixture<HardeningFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task CookieRequest_WithoutTheHeader_IsRefusedAndChangesNothing()
    {
        using var admin = await fixture.AdminAsync();
        var token = admin.DefaultRequestHeaders.GetValues("X-VzPanel-CSRF").Single();
        admin.DefaultRequestHeaders.Remove("X-VzPanel-CSRF");

        var refused = await admin.PostAsJsonAsync("/api/v1/nodes", new { name = "csrf-no-header" }, _ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("code").GetString().ShouldBe("csrf");
        await using (var db = fixture.Database.CreateContext())
        {
            (await db.Nodes.AnyAsync(n => n.Name == "csrf-no-header", _ct)).ShouldBeFalse();
            var audit = await db.AuditEvents.SingleAsync(a => a.Action == "access.denied-csrf" && a.Actor == "admin"
                && a.Summary.Contains("/api/v1/nodes"), _ct);
            audit.SourceAddress.ShouldBe(IPAddress.Parse(HardeningFixture.AdminAddress));
        }

        // The same request with the header goes through: the header is all that was missing.
        admin.DefaultRequestHeaders.Add("X-VzPanel-CSRF", token);
        (await admin.PostAsJsonAsync("/api/v1/nodes", new { name = "csrf-with-header" }, _ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task CrossOriginFormPost_ToTheApi_IsRefusedAndChangesNothing()
    {
        // What a page on another site can make a signed-in browser send: the cookie, a form body, its own Origin.
        using var browser = fixture.ClientFrom(HardeningFixture.AdminAddress);
        (await SignInForm.PostAsync(browser, "admin", fixture.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        browser.DefaultRequestHeaders.Remove("X-VzPanel-CSRF");
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/v1/nodes")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "csrf-forged" }),
        };
        forged.Headers.Add("Origin", "http://evil.example");

        var response = await browser.SendAsync(forged, _ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("code").GetString().ShouldBe("csrf");
        await using var db = fixture.Database.CreateContext();
        (await db.Nodes.AnyAsync(n => n.Name == "csrf-forged", _ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task AntiforgeryToken_OfAnotherSession_IsRefused()
    {
        using var first = await fixture.AdminAsync();
        using var second = await fixture.AdminAsync();
        second.DefaultRequestHeaders.Remove("X-VzPanel-CSRF");
        second.DefaultRequestHeaders.Add("X-VzPanel-CSRF", first.DefaultRequestHeaders.GetValues("X-VzPanel-CSRF").Single());

        var response = await second.PostAsJsonAsync("/api/v1/nodes", new { name = "csrf-wrong-token" }, _ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AntiforgeryRoute_NotSignedIn_Is401()
    {
        using var anonymous = fixture.ClientFrom("192.0.2.15");

        (await anonymous.GetAsync("/api/v1/antiforgery", _ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AntiforgeryRoute_SignedIn_NamesTheHeader()
    {
        using var admin = await fixture.AdminAsync();

        var body = await admin.GetFromJsonAsync<JsonElement>("/api/v1/antiforgery", _ct);

        body.GetProperty("headerName").GetString().ShouldBe("X-VzPanel-CSRF");
        body.GetProperty("token").GetString().ShouldNotBeNullOrWhiteSpace();
    }
}
