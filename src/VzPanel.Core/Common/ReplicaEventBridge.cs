using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using VzPanel.Core.Data;

namespace VzPanel.Core.Common;

/// <summary>
/// Carries <see cref="IReplicatedEvent"/>s between panel replicas over PostgreSQL LISTEN/NOTIFY: what one
/// replica publishes, the others deliver to their own circuits and hub clients. Each replica ignores its own.
/// </summary>
public sealed class ReplicaEventBridge(PanelDatabase database, PanelEvents events, ILogger<ReplicaEventBridge> logger) : BackgroundService
{
    public const string Channel = "vzpanel_events";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly FrozenDictionary<string, Type> KnownEvents = typeof(IReplicatedEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IReplicatedEvent).IsAssignableFrom(t))
        .ToFrozenDictionary(t => t.Name);

    private readonly string _origin = Guid.NewGuid().ToString("N");

    private sealed record Envelope(string Origin, string Type, JsonElement Data);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        events.Replicating = true;
        await Task.WhenAll(KeepRunningAsync(ListenAsync, stoppingToken), KeepRunningAsync(SendAsync, stoppingToken));
    }

    private async Task KeepRunningAsync(Func<CancellationToken, Task> loop, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await loop(ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The replica event bridge lost its database connection; reconnecting");
                await Task.Delay(TimeSpan.FromSeconds(2), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        connection.Notification += (_, n) => Deliver(n.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
            await listen.ExecuteNonQueryAsync(ct);
        while (true) await connection.WaitAsync(ct);
    }

    private async Task SendAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await foreach (var evt in events.Outbox.ReadAllAsync(ct))
        {
            var payload = JsonSerializer.Serialize(new Envelope(_origin, evt.GetType().Name, JsonSerializer.SerializeToElement(evt, evt.GetType(), Json)), Json);
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
            notify.Parameters.AddWithValue("channel", Channel);
            notify.Parameters.AddWithValue("payload", payload);
            await notify.ExecuteNonQueryAsync(ct);
        }
    }

    private void Deliver(string payload)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(payload, Json);
            if (envelope is null || envelope.Origin == _origin || !KnownEvents.TryGetValue(envelope.Type, out var type)) return;
            if (envelope.Data.Deserialize(type, Json) is { } evt) events.PublishLocally(evt);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Ignored an unreadable event from another replica");
        }
    }
}
