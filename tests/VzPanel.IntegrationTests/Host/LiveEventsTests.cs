using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using VzPanel.Core.Features.Identity;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Nodes;

namespace VzPanel.IntegrationTests.Host;

/// <summary>The events hub and the job dashboard: who may use them, and events crossing panel replicas.</summary>
public sealed class LiveEventsTests(PanelFixture fixture) : IClassFixture<PanelFixture>
{
    [Fact]
    public async Task NodeHeartbeatOnOneReplica_ReachesHubClientsOfAnother()
    {
        await using var replica = await PanelProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Panel"] = fixture.Database.ConnectionString,
            ["Panel__DataDirectory"] = fixture.DataDirectory,   // replicas share the data-protection keys
        });
        var cookies = new CookieContainer();
        using var onReplica = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = replica.BaseUrl };
        (await SignInForm.PostAsync(onReplica, "admin", fixture.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(replica.BaseUrl, "/hubs/events"), o => o.Cookies = cookies)
            .Build();
        hub.On<NodeChangedMessage>("nodeChanged", e => seen.TrySetResult(e.NodeId));
        await hub.StartAsync(TestContext.Current.CancellationToken);

        using var admin = await NodeApiClient.AdminAsync(fixture);
        var (nodeId, token, _) = await NodeApiClient.AddNodeAsync(admin, "replica-beat");
        using var agent = new TestAgent(fixture.Panel.AgentUrl);   // reports to the first replica only
        await agent.EnrollAsync(token);
        await agent.HeartbeatAsync();

        (await seen.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).ShouldBe(nodeId);
    }

    [Fact]
    public async Task EventsHub_RefusesAnonymousConnections()
    {
        using var anonymous = fixture.Panel.CreateClient();

        var negotiate = await anonymous.PostAsync("/hubs/events/negotiate?negotiateVersion=1", null, TestContext.Current.CancellationToken);

        negotiate.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(PanelRole.Support)]
    [InlineData(PanelRole.Customer)]
    public async Task JobDashboard_IsForAdminsOnly(PanelRole role)
    {
        var tenant = role == PanelRole.Customer ? await fixture.Database.TenantAsync() : null;
        var userName = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}"[..20];
        await fixture.Database.CreateUserAsync(userName, role, tenant?.Id);
        using var other = fixture.Panel.CreateClient();
        await SignInForm.PostAsync(other, userName, TestUsers.Password);
        using var admin = await NodeApiClient.AdminAsync(fixture);
        using var anonymous = fixture.Panel.CreateClient();

        var refused = await other.GetAsync("/hangfire", TestContext.Current.CancellationToken);
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.ToString().ShouldContain("/account/access-denied");
        (await anonymous.GetAsync("/hangfire", TestContext.Current.CancellationToken)).StatusCode.ShouldBeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.Redirect);
        var page = await admin.GetAsync("/hangfire", TestContext.Current.CancellationToken);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("VzPanel jobs");
    }

    private sealed record NodeChangedMessage(string NodeId, string State);
}
