using System.Net;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Security;

/// <summary>
/// A panel behind a "reverse proxy" on loopback (the tests themselves: <c>Web:KnownProxies</c> is 127.0.0.1, so they
/// may say which client address and scheme a request came from) with the production sign-in limits.
/// </summary>
public sealed class HardeningFixture(PostgresServer server) : PanelFixture(server)
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Web__KnownProxies__0"] = "127.0.0.1",
        ["Identity__SignInThrottle__AddressBurst"] = "10",
        ["Identity__SignInThrottle__UserBurst"] = "3",
        ["Identity__Sessions__HubCheckSeconds"] = "1",   // hub connections of an ended session close within a second, not 30
    };

    /// <summary>
    /// Where the tests' admin signs in from. The first sign-in makes it familiar; sign-ins of the admin from ever new
    /// addresses would use up its per-user attempts, as an attacker's would.
    /// </summary>
    public const string AdminAddress = "192.0.2.10";

    /// <summary>Like <see cref="ClientFrom"/>, sharing <paramref name="cookies"/> (for a hub connection of the same sign-in).</summary>
    public HttpClient ClientFrom(string address, CookieContainer cookies)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies })
        {
            BaseAddress = Panel.BaseUrl,
        };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    /// <summary>A client whose requests arrive through the proxy from <paramref name="address"/> (over HTTPS when asked).</summary>
    public HttpClient ClientFrom(string address, bool https = false)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = Panel.BaseUrl,
        };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        if (https) client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        return client;
    }

    public Task<HttpClient> AdminAsync() => SignedInFromAsync(AdminAddress, "admin", AdminPassword);

    /// <summary>A new client signed in as <paramref name="userName"/> from <paramref name="address"/>, antiforgery header set.</summary>
    public async Task<HttpClient> SignedInFromAsync(string address, string userName, string password)
    {
        var client = ClientFrom(address);
        var response = await SignInForm.PostAsync(client, userName, password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"signing in as {userName} from {address}");
        return client;
    }
}
