using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace VzPanel.Core.Common;

/// <summary>
/// In-process publish/subscribe for domain events (a node came online, an instance changed). Blazor
/// circuits subscribe and refresh; a failing subscriber is logged and never breaks the publisher.
/// <see cref="IReplicatedEvent"/>s also go to <see cref="Outbox"/>, which the replica bridge sends to the others.
/// </summary>
public sealed class PanelEvents(ILogger<PanelEvents> logger)
{
    private readonly ConcurrentDictionary<Guid, (Type Type, Func<object, Task> Handler)> _subscribers = new();
    private readonly Channel<IReplicatedEvent> _outbox = Channel.CreateBounded<IReplicatedEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Replicated events published here, waiting to be sent to the other replicas.</summary>
    public ChannelReader<IReplicatedEvent> Outbox => _outbox.Reader;

    /// <summary>Whether anything forwards the outbox; without a bridge nothing is queued.</summary>
    public bool Replicating { get; set; }

    public IDisposable Subscribe<T>(Func<T, Task> handler)
    {
        var id = Guid.NewGuid();
        _subscribers[id] = (typeof(T), e => handler((T)e));
        return new Subscription(() => _subscribers.TryRemove(id, out _));
    }

    public void Publish<T>(T evt) where T : notnull
    {
        PublishLocally(evt);
        if (Replicating && evt is IReplicatedEvent replicated) _outbox.Writer.TryWrite(replicated);
    }

    /// <summary>Delivers to this replica's subscribers only (an event that came from another replica).</summary>
    public void PublishLocally(object evt)
    {
        foreach (var (_, (type, handler)) in _subscribers)
        {
            if (!type.IsInstanceOfType(evt)) continue;
            _ = InvokeAsync(handler, evt);
        }
    }

    private async Task InvokeAsync(Func<object, Task> handler, object evt)
    {
        try
        {
            await handler(evt);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A subscriber to {Event} failed", evt.GetType().Name);
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) dispose();
        }
    }
}
