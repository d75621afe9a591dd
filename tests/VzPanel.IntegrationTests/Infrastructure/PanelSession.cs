using System.Net;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>
/// One signed-in account against a running panel: an HTTP client for the REST API and, on demand, a live
/// connection to the events hub. Both share the sign-in cookie, the way a CLI would.
/// </summary>
public sealed class PanelSession : IAsyncDisposable
{
    private readonly CookieContainer _cookies = new();
    private readonly List<HubEventLog> _hubs = [];

    private PanelSession(Uri baseUrl, string userName)
    {
        BaseUrl = baseUrl;
        UserName = userName;
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = _cookies })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public Uri BaseUrl { get; }
    public string UserName { get; }
    public HttpClient Http { get; }

    /// <param name="code">For an account with MFA: gives the code (or recovery code) when the page asks for it.</param>
    public static async Task<PanelSession> SignInAsync(PanelProcess panel, string userName, string password, Func<string>? code = null)
    {
        var session = new PanelSession(panel.BaseUrl, userName);
        var response = await SignInForm.PostAsync(session.Http, userName, password);
        if (code is not null && SignInForm.AsksForCode(await response.Content.ReadAsStringAsync()))
            response = await SignInForm.PostCodeAsync(session.Http, await response.Content.ReadAsStringAsync(), code());
        if (session._cookies.GetCookies(panel.BaseUrl)["vzpanel.auth"] is null)
            throw new InvalidOperationException($"Signing in as {userName} failed ({(int)response.StatusCode}): no sign-in cookie.");
        return session;
    }

    /// <summary>Connects to <c>/hubs/events</c> with this session's cookie and records what arrives.</summary>
    public async Task<HubEventLog> ListenAsync()
    {
        var log = await HubEventLog.ConnectAsync(new Uri(BaseUrl, "/hubs/events"), _cookies);
        _hubs.Add(log);
        return log;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hub in _hubs) await hub.DisposeAsync();
        Http.Dispose();
    }
}
