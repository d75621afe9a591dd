using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Benchmarks.Load;

/// <summary>
/// Learns that operations ended from the panel's live events hub (what a dashboard or the CLI listens to), so the
/// benchmark does not poll the panel it measures. Asks the REST API only when an event is late or was missed.
/// </summary>
public sealed class OperationWatcher(Uri baseUrl, CookieContainer cookies, HttpClient http) : IAsyncDisposable
{
    private static readonly TimeSpan AskAfter = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<OperationState>> _ends = new();
    private HubConnection? _hub;

    public async Task ConnectAsync()
    {
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, "/hubs/events"), o => o.Cookies = cookies)
            .WithAutomaticReconnect()
            .Build();
        _hub.On<JsonElement>("operationChanged", OnChanged);
        await _hub.StartAsync();
    }

    /// <summary>Waits until the operation has ended and returns how it ended.</summary>
    public async Task<OperationState> WaitAsync(Guid operationId, TimeSpan timeout)
    {
        var end = _ends.GetOrAdd(operationId, NewEnd);
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (true)
            {
                if (await Task.WhenAny(end.Task, Task.Delay(AskAfter)) == end.Task) return await end.Task;
                var view = await http.GetFromJsonAsync<JsonElement>($"/api/v1/operations/{operationId}");
                if (Finished(State(view.GetProperty("state")))) return State(view.GetProperty("state"));
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"Operation {operationId} did not end within {timeout.TotalSeconds:0} s: {view}");
            }
        }
        finally
        {
            _ends.TryRemove(operationId, out _);
        }
    }

    private void OnChanged(JsonElement change)
    {
        var state = State(change.GetProperty("state"));
        if (Finished(state)) _ends.GetOrAdd(change.GetProperty("operationId").GetGuid(), NewEnd).TrySetResult(state);
    }

    // The hub sends enums as numbers, the REST API as names.
    private static OperationState State(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? (OperationState)value.GetInt32() : Enum.Parse<OperationState>(value.GetString()!);

    private static bool Finished(OperationState state) => state is OperationState.Succeeded or OperationState.Failed or OperationState.Cancelled;

    private static TaskCompletionSource<OperationState> NewEnd(Guid _) => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null) await _hub.DisposeAsync();
    }
}
