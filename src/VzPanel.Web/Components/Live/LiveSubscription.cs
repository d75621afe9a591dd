using Microsoft.Extensions.Logging;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Components.Live;

/// <summary>
/// One page following panel events: which ones (<see cref="On{T}"/>), seen through the viewer's access scope,
/// delivered coalesced on the page's dispatcher. The page disposes it with itself; after that nothing is called.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly PanelEvents _events;
    private readonly AccessScope _viewer;
    private readonly CoalescingRunner _runner;
    private readonly List<IDisposable> _subscriptions = [];
    private volatile bool _disposed;

    internal LiveSubscription(PanelEvents events, AccessScope viewer, TimeProvider clock, ILogger logger,
        Func<Func<Task>, Task> dispatch, Func<LiveChanges, Task> onChange)
    {
        _events = events;
        _viewer = viewer;
        // The check runs on the dispatcher, where the page is disposed too: a run that was under way when the
        // page closed stops at the door.
        _runner = new CoalescingRunner(LiveUpdates.Interval, clock,
            changes => dispatch(() => _disposed ? Task.CompletedTask : onChange(new LiveChanges(changes))), logger);
    }

    /// <summary>Follows events of type <typeparamref name="T"/> the viewer may see and <paramref name="where"/> accepts.</summary>
    public LiveSubscription On<T>(Func<T, bool>? where = null) where T : notnull
    {
        _subscriptions.Add(_events.Subscribe<T>(e =>
        {
            if (_viewer.Sees(e) && (where is null || where(e))) _runner.Post(e);
            return Task.CompletedTask;
        }));
        return this;
    }

    /// <summary>A call back soon without an event (the page changed something itself), folded in with the events.</summary>
    public void Refresh() => _runner.Post(null);

    public void Dispose()
    {
        _disposed = true;
        foreach (var subscription in _subscriptions) subscription.Dispose();
        _runner.Dispose();
    }
}
