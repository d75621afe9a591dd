using System.Collections.Concurrent;
using VzPanel.Agent.Engines;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>Collects an engine's events in the background so tests can wait for the ones they expect.</summary>
public sealed class EventRecorder : IAsyncDisposable
{
    private readonly ConcurrentQueue<EngineEvent> _events = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly IEngineEventStream _stream;
    private readonly Task _pump;

    private EventRecorder(IEngineEventStream stream)
    {
        _stream = stream;
        _pump = Task.Run(PumpAsync);
    }

    public static async Task<EventRecorder> StartAsync(IComputeEngine engine, CancellationToken cancellationToken) =>
        new(await engine.WatchEventsAsync(cancellationToken));

    public IReadOnlyList<EngineEvent> Events => _events.ToList();

    public IReadOnlyList<InstanceState> StatesOf(string instanceId) =>
        _events.Where(e => e.Kind == EngineEventKind.StateChanged && e.InstanceId == instanceId).Select(e => e.State!.Value).ToList();

    public async Task<EngineEvent> WaitForAsync(Func<EngineEvent, bool> match, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = _events.FirstOrDefault(match);
            if (found is not null)
                return found;
            try
            {
                await _arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("expected event did not arrive; seen: " + string.Join(", ", _events.Select(e => $"{e.Kind}/{e.State}/{e.Message}")));
            }
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var engineEvent in _stream.ReadAllAsync(_stop.Token))
            {
                _events.Enqueue(engineEvent);
                _arrived.Release();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        await _stream.DisposeAsync();
        _stop.Dispose();
    }
}
