using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Microsoft.EntityFrameworkCore;
using VzPanel.Agent.Contracts;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Security;

/// <summary>Headers on every response, cookies over HTTPS, the hub's Origin check and the agent port's single purpose.</summary>
public sealed partial class RequestHardeningTests(HardeningFixture fixture) : IClassFixture<HardeningFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/api/v1/me")]
    [InlineData("/health/ready")]
    public async Task EveryResponse_CarriesTheBrowserLimits(string path)
    {
        using var client = fixture.ClientFrom("192.0.2.21");

        var response = await client.GetAsync(path, _ct);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("default-src 'self'");
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("img-src 'self' data:");
        csp.ShouldContain("style-src 'self' 'unsafe-inline'");
        csp.ShouldNotContain("unsafe-eval");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("same-origin");
    }

    [Fact]
    public async Task Page_ImportMap_CarriesTheNonceOfItsPolicy()
    {
        using var client = fixture.ClientFrom("192.0.2.22");

        var response = await client.GetAsync("/account/login", _ct);
        var html = await response.Content.ReadAsStringAsync(_ct);

        var nonce = ScriptNonce().Match(response.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value;
        nonce.ShouldNotBeNullOrEmpty();
        System.Text.RegularExpressions.Regex.Match(html, "<script[^>]*importmap[^>]*>").Value.ShouldContain($"nonce=\"{nonce}\"");
        html.ShouldNotContain("<script>");   // no other inline script the policy would block
    }

    [Fact]
    public async Task OverHttpsThroughTheKnownProxy_CookiesAreSecureWithTheHostPrefix()
    {
        // The proxy speaks HTTPS to the browser and plain HTTP to the panel; a cookie container would not send Secure
        // cookies over this plain hop, so the cookies travel by hand here, as the browser would send them to the proxy.
        using var viaProxy = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = fixture.Panel.BaseUrl };
        viaProxy.DefaultRequestHeaders.Add("X-Forwarded-For", HardeningFixture.AdminAddress);
        viaProxy.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        var page = await viaProxy.GetAsync("/account/login", _ct);
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.Contains("vzpanel.csrf"));
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(FormToken().Match(await page.Content.ReadAsStringAsync(_ct)).Groups[1].Value),
                ["Input.UserName"] = "admin",
                ["Input.Password"] = fixture.AdminPassword,
            }),
        };
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        var signIn = await viaProxy.SendAsync(post, _ct);

        antiforgery.ShouldStartWith("__Host-vzpanel.csrf=");
        antiforgery.ShouldContain("secure", Case.Insensitive);
        antiforgery.ShouldContain("path=/", Case.Insensitive);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var auth = signIn.Headers.GetValues("Set-Cookie").Single(c => c.Contains("vzpanel.auth"));
        auth.ShouldStartWith("__Host-vzpanel.auth=");
        auth.ShouldContain("secure", Case.Insensitive);
        auth.ShouldContain("httponly", Case.Insensitive);
        auth.ShouldNotContain("domain=", Case.Insensitive);
        // The prefixed cookie is the one read back: the API answers as the admin.
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        me.Headers.Add("Cookie", auth.Split(';')[0]);
        var answer = await viaProxy.SendAsync(me, _ct);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await answer.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(_ct)).GetProperty("name").GetString().ShouldBe("admin");
    }

    [Fact]
    public async Task OverPlainHttp_CookiesKeepTheirPlainNames()
    {
        using var browser = fixture.ClientFrom(HardeningFixture.AdminAddress);

        var signIn = await SignInForm.PostAsync(browser, "admin", fixture.AdminPassword);

        var auth = signIn.Headers.GetValues("Set-Cookie").Single(c => c.Contains("vzpanel.auth"));
        auth.ShouldStartWith("vzpanel.auth=");
        auth.ShouldNotContain("secure", Case.Insensitive);
    }

    [Fact]
    public async Task EventsHub_FromAnotherOrigin_Is403_FromItsOwn_Connects()
    {
        using var admin = await fixture.AdminAsync();
        var own = fixture.Panel.BaseUrl.GetLeftPart(UriPartial.Authority);

        var foreign = await NegotiateAsync(admin, "http://evil.example");
        var same = await NegotiateAsync(admin, own);

        foreign.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        same.StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var db = fixture.Database.CreateContext();
        (await db.AuditEvents.AnyAsync(a => a.Action == "access.denied-origin" && a.Summary.Contains("http://evil.example"), _ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task EventsHub_WebSocketFromAnotherOrigin_IsRefusedAtTheHandshake()
    {
        var cookies = new CookieContainer();
        using (var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = fixture.Panel.BaseUrl })
        {
            browser.DefaultRequestHeaders.Add("X-Forwarded-For", HardeningFixture.AdminAddress);
            (await SignInForm.PostAsync(browser, "admin", fixture.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }
        var url = new UriBuilder(fixture.Panel.BaseUrl) { Scheme = "ws", Path = "/hubs/events" }.Uri;

        using var foreign = new ClientWebSocket();
        foreign.Options.Cookies = cookies;
        foreign.Options.SetRequestHeader("Origin", "http://evil.example");
        foreign.Options.CollectHttpResponseDetails = true;
        await Should.ThrowAsync<WebSocketException>(() => foreign.ConnectAsync(url, _ct));
        foreign.HttpStatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var own = new ClientWebSocket();
        own.Options.Cookies = cookies;
        own.Options.SetRequestHeader("Origin", fixture.Panel.BaseUrl.GetLeftPart(UriPartial.Authority));
        await own.ConnectAsync(url, _ct);
        own.State.ShouldBe(WebSocketState.Open);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/account/login")]
    [InlineData("/api/v1/me")]
    [InlineData("/api/v1/antiforgery")]
    [InlineData("/hangfire")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/health/ready")]
    [InlineData("/hubs/events/negotiate?negotiateVersion=1")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/favicon.svg")]
    public async Task AgentPort_ServesNothingButTheGateway(string path)
    {
        using var agentPort = AgentPortClient();

        var response = await agentPort.GetAsync(path, _ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var web = fixture.ClientFrom("192.0.2.26");
        (await web.GetAsync(path, _ct)).StatusCode.ShouldNotBe(HttpStatusCode.NotFound);   // the same path is there on the web port
    }

    [Fact]
    public async Task AgentPort_StillServesTheGateway()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Panel.AgentUrl, new GrpcChannelOptions { HttpHandler = AgentPortHandler() });

        var ca = await new PanelGateway.PanelGatewayClient(channel).GetCaCertificateAsync(new GetCaCertificateRequest(), cancellationToken: _ct);

        ca.ShouldNotBeNull();
    }

    private HttpClient AgentPortClient() => new(AgentPortHandler())
    {
        BaseAddress = fixture.Panel.AgentUrl,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    // The agent endpoint presents the panel CA's certificate; what is checked here is what it serves, not who it is.
#pragma warning disable CA5359
    private static SocketsHttpHandler AgentPortHandler() => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    };
#pragma warning restore CA5359

    private async Task<HttpResponseMessage> NegotiateAsync(HttpClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/events/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);
        return await client.SendAsync(request, _ct);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("script-src 'self' 'nonce-([^']+)'")]
    private static partial Regex ScriptNonce();
}
