using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.Benchmarks.Load;

/// <summary>The panel's REST API as a signed-in admin (cookie), plus the live events hub to learn when operations end.</summary>
public sealed class PanelClient : IDisposable
{
    private PanelClient(HttpClient http, CookieContainer cookies, Uri baseUrl)
    {
        Http = http;
        Operations = new OperationWatcher(baseUrl, cookies, http);
    }

    public HttpClient Http { get; }
    public OperationWatcher Operations { get; }

    public static async Task<PanelClient> SignInAsync(PanelProcess panel, string userName, string password)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = panel.BaseUrl,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var signIn = await SignInForm.PostAsync(http, userName, password);
        if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Signing in as {userName} failed: {signIn.StatusCode}.");
        var client = new PanelClient(http, cookies, panel.BaseUrl);
        await client.Operations.ConnectAsync();
        return client;
    }

    public async Task WaitForNodesOnlineAsync(int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var nodes = (await Http.GetFromJsonAsync<List<JsonElement>>("/api/v1/nodes"))!;
            if (nodes.Count(n => n.GetProperty("state").GetString() == "Online") >= count) return;
            if (clock.Elapsed > timeout) throw new TimeoutException($"Nodes did not come online: {JsonSerializer.Serialize(nodes)}");
            await Task.Delay(200);
        }
    }

    /// <summary>Creates and starts a container on <paramref name="nodeId"/>; returns the queued operation.</summary>
    public Task<Accepted> CreateServerAsync(string name, string memory, Guid tenantId, Guid nodeId) =>
        SendAsync(HttpMethod.Post, "/api/v1/instances", new
        {
            name, kind = "Ct", template = LoadHarness.Template, memory, memoryGuaranteePercent = 0, vcpus = 1, tenantId, nodeId, start = true,
        });

    /// <summary>Asks for a live memory change; returns the queued operation and how long the API took to accept it.</summary>
    public Task<Accepted> SetMemoryAsync(Guid instanceId, string memory) =>
        SendAsync(HttpMethod.Put, $"/api/v1/instances/{instanceId}/memory", new { memory });

    private async Task<Accepted> SendAsync(HttpMethod method, string path, object body)
    {
        var clock = Stopwatch.StartNew();
        using var response = await Http.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) });
        var elapsed = clock.Elapsed;
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted) throw new ApiRefusedException(method, path, response.StatusCode, text);
        var operation = JsonSerializer.Deserialize<JsonElement>(text);
        return new Accepted(operation.GetProperty("id").GetGuid(), operation.GetProperty("targetId").GetGuid(), elapsed);
    }

    public void Dispose()
    {
        Operations.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Http.Dispose();
    }
}

/// <summary>The API did not accept a change (busy, refused, or an error on the panel's side).</summary>
public sealed class ApiRefusedException(HttpMethod method, string path, HttpStatusCode status, string body)
    : InvalidOperationException($"{method} {path} answered {(int)status}: {body}")
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>An accepted request: its operation, the server it concerns, and the API's answer time as the client saw it.</summary>
public readonly record struct Accepted(Guid OperationId, Guid TargetId, TimeSpan AnswerTime);
