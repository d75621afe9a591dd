using VzPanel.Web.Components.Live;

namespace VzPanel.Web.Tests.Live;

/// <summary>What a following page was called back with, recorded from whichever thread calls.</summary>
internal sealed class LiveCalls
{
    private readonly Lock _gate = new();
    private readonly List<LiveChanges> _calls = [];

    public int Count { get { lock (_gate) return _calls.Count; } }

    public LiveChanges Last { get { lock (_gate) return _calls[^1]; } }

    /// <summary>Every event delivered, in the order delivered.</summary>
    public IReadOnlyList<object> Events { get { lock (_gate) return [.. _calls.SelectMany(c => c.Of<object>())]; } }

    public void Add(LiveChanges changes)
    {
        lock (_gate) _calls.Add(changes);
    }

    public async Task CountReachesAsync(int count)
    {
        var until = DateTime.UtcNow.AddSeconds(5);
        while (Count < count && DateTime.UtcNow < until) await Task.Delay(10, Xunit.TestContext.Current.CancellationToken);
        Count.ShouldBeGreaterThanOrEqualTo(count);
    }
}
