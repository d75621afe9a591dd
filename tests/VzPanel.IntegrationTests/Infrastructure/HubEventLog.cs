using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>A live connection to the panel's <c>/hubs/events</c>, recording every event it receives, in order.</summary>
public sealed class HubEventLog : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly HubConnection _connection;
    private readonly Lock _gate = new();
    private readonly List<OperationChanged> _operations = [];
    private readonly List<InstanceChanged> _instances = [];
    private readonly List<NodeChanged> _nodes = [];
    private readonly List<JsonElement> _raw = [];

    private HubEventLog(HubConnection connection) => _connection = connection;

    public IReadOnlyList<OperationChanged> Operations => Copy(_operations);
    public IReadOnlyList<InstanceChanged> Instances => Copy(_instances);
    public IReadOnlyList<NodeChanged> Nodes => Copy(_nodes);

    /// <summary>Every payload as it came over the wire.</summary>
    public IReadOnlyList<JsonElement> Raw => Copy(_raw);

    public static async Task<HubEventLog> ConnectAsync(Uri url, CookieContainer cookies)
    {
        var connection = new HubConnectionBuilder().WithUrl(url, o => o.Cookies = cookies).Build();
        var log = new HubEventLog(connection);
        connection.On<JsonElement>("operationChanged", e => log.Add(log._operations, e));
        connection.On<JsonElement>("instanceChanged", e => log.Add(log._instances, e));
        connection.On<JsonElement>("nodeChanged", e => log.Add(log._nodes, e));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await connection.StartAsync(timeout.Token);
        // The server reads a connection's messages only after OnConnectedAsync (which joins the groups) has run,
        // so one round trip guarantees no event published from now on is missed.
        await Should.ThrowAsync<HubException>(() => connection.InvokeAsync("no-such-method", timeout.Token));
        return log;
    }

    /// <summary>The events of one operation, in the order they arrived.</summary>
    public IReadOnlyList<OperationChanged> Of(Guid operationId) => Operations.Where(e => e.OperationId == operationId).ToList();

    /// <summary>Waits until the operation's finishing event (Succeeded, Failed, Cancelled) has arrived; returns all its events.</summary>
    public Task<IReadOnlyList<OperationChanged>> FinishedAsync(Guid operationId, TimeSpan? within = null) =>
        WaitAsync(() => Of(operationId) is { Count: > 0 } events && events[^1].State is OperationState.Succeeded or OperationState.Failed
            or OperationState.Cancelled ? events : null, within ?? TimeSpan.FromSeconds(30), $"operation {operationId} to finish on the hub");

    /// <summary>Polls <paramref name="probe"/> until it returns something.</summary>
    public async Task<T> WaitAsync<T>(Func<T?> probe, TimeSpan within, string what) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (probe() is { } found) return found;
            if (clock.Elapsed > within)
                throw new TimeoutException($"Waited {within.TotalSeconds:0} s for {what}; the hub delivered {Raw.Count} events: {string.Join(", ", Raw)}");
            await Task.Delay(25);
        }
    }

    private void Add<T>(List<T> list, JsonElement payload)
    {
        var parsed = payload.Deserialize<T>(Json) ?? throw new InvalidOperationException($"Empty {typeof(T).Name} payload.");
        lock (_gate)
        {
            list.Add(parsed);
            _raw.Add(payload.Clone());
        }
    }

    private List<T> Copy<T>(List<T> list)
    {
        lock (_gate) return [.. list];
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
