using Microsoft.Extensions.Logging;

namespace VzPanel.Web.Components.Live;

/// <summary>
/// Turns a burst of changes into few runs: the first change runs at once, later ones within the interval are
/// collected for one trailing run, and runs never overlap. So a page renders at most once per interval and always
/// once after the last change, with every change since its previous run.
/// </summary>
internal sealed class CoalescingRunner(TimeSpan interval, TimeProvider clock, Func<IReadOnlyList<object>, Task> run, ILogger logger) : IDisposable
{
    private readonly CancellationTokenSource _stopped = new();
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly Lock _gate = new();
    private List<object> _pending = [];
    private bool _scheduled;
    private long? _lastRun;

    /// <summary>Asks for a run; <paramref name="change"/> is handed to it, null asks for a run with nothing new.</summary>
    public void Post(object? change)
    {
        TimeSpan wait;
        lock (_gate)
        {
            if (_stopped.IsCancellationRequested) return;
            if (change is not null) _pending.Add(change);
            if (_scheduled) return;   // the run already waiting takes this change too
            _scheduled = true;
            var since = _lastRun is { } last ? clock.GetElapsedTime(last) : interval;
            wait = since >= interval ? TimeSpan.Zero : interval - since;
        }
        _ = RunAsync(wait);
    }

    private async Task RunAsync(TimeSpan wait)
    {
        var stopped = _stopped.Token;
        try
        {
            if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, stopped);
            await _running.WaitAsync(stopped);
            try
            {
                List<object> changes;
                lock (_gate)
                {
                    // From here a new change schedules the next run, so none is lost while this one works.
                    (_scheduled, _lastRun, changes, _pending) = (false, clock.GetTimestamp(), _pending, []);
                }
                await run(changes);
            }
            finally
            {
                _running.Release();
            }
        }
        catch (OperationCanceledException) when (stopped.IsCancellationRequested)
        {
            // The page went away.
        }
        catch (Exception ex)
        {
            // Nobody awaits a run: say why this refresh failed and let the next change try again.
            logger.LogWarning(ex, "A live refresh failed");
        }
    }

    public void Dispose()
    {
        lock (_gate) _stopped.Cancel();
    }
}
