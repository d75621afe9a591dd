using System.Net.Http.Json;
using System.Text.Json;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Nodes;

/// <summary>The admin's side of adding nodes, through the REST API with a signed-in cookie.</summary>
public static class NodeApiClient
{
    public static async Task<HttpClient> AdminAsync(PanelFixture fixture)
    {
        var client = fixture.Panel.CreateClient();
        await SignInForm.PostAsync(client, "admin", fixture.AdminPassword);
        return client;
    }

    public static async Task<(string NodeId, string Token, string Command)> AddNodeAsync(HttpClient admin, string name)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/nodes", new { name });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("nodeId").GetString()!, body.GetProperty("token").GetString()!, body.GetProperty("command").GetString()!);
    }

    public static async Task<JsonElement> NodeAsync(HttpClient admin, string nodeId) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/nodes/{nodeId}"));
}
