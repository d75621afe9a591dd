using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Operations;

/// <summary>The REST calls of the operation tests and what their answers mean.</summary>
public static class OperationsApi
{
    public static Task<HttpResponseMessage> CreateAsync(this PanelSession session, object request) =>
        session.Http.PostAsJsonAsync("/api/v1/instances", request);

    public static Task<HttpResponseMessage> PowerAsync(this PanelSession session, Guid instance, string action) =>
        session.Http.PostAsync($"/api/v1/instances/{instance}/{action}", null);

    public static Task<HttpResponseMessage> SetMemoryAsync(this PanelSession session, string instance, string memory) =>
        session.Http.PutAsJsonAsync($"/api/v1/instances/{instance}/memory", new { memory });

    public static Task<HttpResponseMessage> SetGuaranteeAsync(this PanelSession session, Guid instance, int percent) =>
        session.Http.PutAsJsonAsync($"/api/v1/instances/{instance}/memory-guarantee", new { percent });

    public static Task<HttpResponseMessage> SetVCpusAsync(this PanelSession session, Guid instance, int vCpus) =>
        session.Http.PutAsJsonAsync($"/api/v1/instances/{instance}/vcpus", new { vCpus });

    public static Task<HttpResponseMessage> DeleteAsync(this PanelSession session, string instance) =>
        session.Http.DeleteAsync($"/api/v1/instances/{instance}");

    /// <summary>Asserts 202 Accepted with the queued operation and its Location; returns the operation and its server.</summary>
    public static async Task<AcceptedOperation> AcceptedAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, body);
        var operation = JsonDocument.Parse(body).RootElement;
        var id = operation.GetProperty("id").GetGuid();
        response.Headers.Location?.ToString().ShouldBe($"/api/v1/operations/{id}");
        operation.GetProperty("state").GetString().ShouldBe("Queued");
        return new AcceptedOperation(id, operation.GetProperty("targetId").GetGuid(), operation);
    }

    /// <summary>The RFC 9457 problem of a refused request.</summary>
    public static async Task<Problem> ProblemAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (body.Length == 0) return new Problem(response.StatusCode, null, null, body);
        var problem = JsonDocument.Parse(body).RootElement;
        return new Problem(response.StatusCode, problem.TryGetProperty("code", out var code) ? code.GetString() : null,
            problem.TryGetProperty("detail", out var detail) ? detail.GetString() : null, body);
    }

    /// <summary>Polls <c>GET /api/v1/operations/{id}</c> until the operation has finished; returns it.</summary>
    public static async Task<JsonElement> FinishedAsync(this PanelSession session, Guid operationId, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var operation = await session.Http.GetFromJsonAsync<JsonElement>($"/api/v1/operations/{operationId}");
            if (operation.GetProperty("state").GetString() is "Succeeded" or "Failed" or "Cancelled") return operation;
            if (clock.Elapsed > limit) throw new TimeoutException($"Operation {operationId} did not finish within {limit.TotalSeconds:0} s: {operation}");
            await Task.Delay(50);
        }
    }

    /// <summary>Asserts the operation ended Succeeded at 100 % ("Done", no error).</summary>
    public static async Task<JsonElement> SucceededAsync(this PanelSession session, Guid operationId, TimeSpan? within = null)
    {
        var operation = await session.FinishedAsync(operationId, within);
        operation.GetProperty("state").GetString().ShouldBe("Succeeded", operation.ToString());
        operation.GetProperty("progressPercent").GetInt32().ShouldBe(100);
        operation.GetProperty("currentStep").GetString().ShouldBe("Done");
        operation.GetProperty("error").ValueKind.ShouldBe(JsonValueKind.Null);
        return operation;
    }

    /// <summary>Waits until the node is Online with a heartbeat newer than <paramref name="since"/>, so it takes new servers.</summary>
    public static async Task OnlineAsync(this PanelSession admin, Guid nodeId, DateTimeOffset since)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var node = (await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/nodes/{nodeId}")).GetProperty("node");
            if (node.GetProperty("state").GetString() == "Online" && node.GetProperty("lastHeartbeatAt").GetDateTimeOffset() > since) return;
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"Node {nodeId} did not come online: {node}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the node's heartbeats agree with the inventory (its drift list is empty).</summary>
    public static async Task NoDriftAsync(this PanelSession admin, Guid nodeId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var drift = (await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/nodes/{nodeId}")).GetProperty("drift");
            if (drift.GetArrayLength() == 0) return;
            if (clock.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException($"Node {nodeId} keeps reporting drift: {drift}");
            await Task.Delay(200);
        }
    }

    /// <summary>Removes a server the test made: powered off if it holds memory, then deleted; both waited for.</summary>
    public static async Task RemoveAsync(this PanelSession admin, Guid instance)
    {
        var details = await admin.Http.GetAsync($"/api/v1/instances/{instance}");
        if (details.StatusCode == HttpStatusCode.NotFound) return;
        var state = (await details.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instance").GetProperty("state").GetString();
        if (state is "Running" or "Starting")
            await admin.FinishedAsync((await (await admin.Http.PostAsync($"/api/v1/instances/{instance}/stop?force=true", null)).AcceptedAsync()).OperationId);
        await admin.SucceededAsync((await (await admin.DeleteAsync(instance.ToString())).AcceptedAsync()).OperationId);
    }
}

public sealed record AcceptedOperation(Guid OperationId, Guid InstanceId, JsonElement Body);

public sealed record Problem(HttpStatusCode Status, string? Code, string? Detail, string Body);
