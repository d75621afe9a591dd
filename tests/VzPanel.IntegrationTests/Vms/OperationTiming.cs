using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Operations;

namespace VzPanel.IntegrationTests.Vms;

/// <summary>
/// Where the time of one panel operation went, on the test's wall clock and the panel's own timestamps: the request
/// until 202 Accepted, queued until a job took it (created → started), and the job itself with the agent call in it
/// (started → finished); the test polls every 20 ms.
/// </summary>
public sealed record OperationTiming(string What, JsonElement Operation, TimeSpan Wall, TimeSpan Accepted, TimeSpan Queued, TimeSpan Job)
{
    public Guid InstanceId => Operation.GetProperty("targetId").GetGuid();
    public string State => Operation.GetProperty("state").GetString()!;
    public string? Error => Operation.GetProperty("error").GetString();

    /// <summary>Sends <paramref name="request"/>, expects 202, and polls the operation every 20 ms until it has finished.</summary>
    public static async Task<OperationTiming> MeasureAsync(PanelSession session, string what, Func<Task<HttpResponseMessage>> request, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var response = await request();
        var accepted = clock.Elapsed;
        var operationId = (await response.AcceptedAsync()).OperationId;
        while (true)
        {
            var operation = await session.Http.GetFromJsonAsync<JsonElement>($"/api/v1/operations/{operationId}");
            if (operation.GetProperty("state").GetString() is "Succeeded" or "Failed" or "Cancelled")
            {
                var wall = clock.Elapsed;
                var created = operation.GetProperty("createdAt").GetDateTimeOffset();
                var started = operation.GetProperty("startedAt").GetDateTimeOffset();
                var finished = operation.GetProperty("finishedAt").GetDateTimeOffset();
                return new OperationTiming(what, operation, wall, accepted, started - created, finished - started);
            }
            if (clock.Elapsed > within) throw new TimeoutException($"{what}: operation {operationId} did not finish within {within.TotalSeconds:0} s: {operation}");
            await Task.Delay(20);
        }
    }

    /// <summary>Asserts the operation succeeded; returns this timing.</summary>
    public OperationTiming ShouldHaveSucceeded()
    {
        State.ShouldBe("Succeeded", Operation.ToString());
        return this;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{What}: {Wall.TotalMilliseconds:0} ms from the request until seen {State} (202 Accepted after {Accepted.TotalMilliseconds:0} ms; "
        + $"in the panel: queued {Queued.TotalMilliseconds:0} ms, then the job {Job.TotalMilliseconds:0} ms with the agent call in it; "
        + $"outside the job {(Wall - Job).TotalMilliseconds:0} ms)");
}
