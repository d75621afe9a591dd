using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace VzPanel.Agent.Engines;

/// <summary>
/// Fans engine events out to every live subscriber. Each subscriber gets its own bounded channel that
/// drops the oldest events when it falls behind, so a slow watcher never blocks an operation.
/// </summary>
public sealed class EngineEventHub
{
    private const int SubscriberCapacity = 4096;
    private readonly ConcurrentDictionary<Subscription, byte> _subscribers = new();

    public IEngineEventStream Subscribe()
    {
        var subscription = new Subscription(this);
        _subscribers.TryAdd(subscription, 0);
        return subscription;
    }

    public void Publish(EngineEvent engineEvent)
    {
        foreach (var subscriber in _subscribers.Keys)
            subscriber.Channel.Writer.TryWrite(engineEvent);
    }

    private sealed class Subscription(EngineEventHub hub) : IEngineEventStream
    {
        public Channel<EngineEvent> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<EngineEvent>(
            new BoundedChannelOptions(SubscriberCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public async IAsyncEnumerable<EngineEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var item in Channel.Reader.ReadAllAsync(cancellationToken))
                yield return item;
        }

        public ValueTask DisposeAsync()
        {
            hub._subscribers.TryRemove(this, out _);
            Channel.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
