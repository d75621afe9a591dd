namespace VzPanel.Web.Components.Shared;

/// <summary>
/// Turns a burst of live events into few reloads: the first request runs at once, later ones within
/// <c>interval</c> are folded into one trailing run, and runs never overlap. So a page reloads at most
/// once per interval and always once after the last event.
/// </summary>
public sealed class ReloadThrottle(TimeSpan interval, Func<Task> reload, TimeProvider? clock = null) : IDisposable
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly CancellationTokenSource _cts = new();
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly Lock _gate = new();
    private bool _scheduled;
    private long? _lastRun;

    /// <summary>At most two reloads a second: fast enough to look live, slow enough for a busy fleet.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromMilliseconds(500);

    public void Request()
    {
        TimeSpan wait;
        lock (_gate)
        {
            if (_scheduled || _cts.IsCancellationRequested) return;
            _scheduled = true;
            var since = _lastRun is { } last ? _clock.GetElapsedTime(last) : interval;
            wait = since >= interval ? TimeSpan.Zero : interval - since;
        }
        _ = RunAsync(wait);
    }

    private async Task RunAsync(TimeSpan wait)
    {
        try
        {
            var token = _cts.Token;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, _clock, token);
            await _running.WaitAsync(token);
            try
            {
                lock (_gate)
                {
                    _scheduled = false;
                    _lastRun = _clock.GetTimestamp();
                }
                await reload();
            }
            finally
            {
                _running.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The page went away.
        }
    }

    public void Dispose()
    {
        lock (_gate) _scheduled = true;   // no new runs
        _cts.Cancel();
    }
}
