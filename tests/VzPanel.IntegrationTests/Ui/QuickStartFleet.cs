using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using VzPanel.IntegrationTests.Host;
using VzPanel.IntegrationTests.Nodes;

namespace VzPanel.IntegrationTests.Ui;

/// <summary>Waits until the quick start's three sim nodes report and its demo servers are in place.</summary>
public static class QuickStartFleet
{
    public static async Task WaitUntilSettledAsync(QuickStartPanel fixture, CancellationToken ct)
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var nodes = (await admin.GetFromJsonAsync<List<JsonElement>>("/api/v1/nodes", ct))!;
            var dashboard = await admin.GetFromJsonAsync<JsonElement>("/api/v1/dashboard", ct);
            var states = dashboard.GetProperty("instancesByState");
            if (nodes.Count == 3 && nodes.All(n => n.GetProperty("state").GetString() == "Online")
                && states.TryGetProperty("Running", out var running) && running.GetInt32() == 4 && states.TryGetProperty("Stopped", out _))
                return;
            if (clock.Elapsed > TimeSpan.FromSeconds(180))
                throw new TimeoutException($"The quick-start fleet did not settle: {JsonSerializer.Serialize(nodes)} {dashboard}");
            await Task.Delay(250, ct);
        }
    }
}
