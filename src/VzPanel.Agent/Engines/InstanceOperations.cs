using System.Collections.Concurrent;

namespace VzPanel.Agent.Engines;

/// <summary>
/// The bookkeeping every real engine needs around its tool: one mutating operation per instance at a
/// time, each announced as succeeded or failed, and state events published once per change. While an
/// operation drives an instance, the tool's own notifications about it are not relayed a second time.
/// </summary>
public sealed class InstanceOperations(EngineEventHub events) : IDisposable
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<string, InstanceState> _driven = new();
    private readonly ConcurrentDictionary<string, InstanceState> _published = new();

    /// <summary>The state an operation in flight has put the instance in, if one does.</summary>
    public InstanceState? Driven(string instanceId) => _driven.TryGetValue(instanceId, out var state) ? state : null;

    public async Task<T> RunAsync<T>(string instanceId, string? operationId, Func<Task<T>> body)
    {
        var gate = _locks.GetOrAdd(instanceId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            var result = await body();
            if (!string.IsNullOrEmpty(operationId))
                events.Publish(new EngineEvent(DateTimeOffset.UtcNow, EngineEventKind.OperationSucceeded, instanceId, operationId, 100));
            return result;
        }
        catch (EngineException failure) when (!string.IsNullOrEmpty(operationId))
        {
            events.Publish(new EngineEvent(DateTimeOffset.UtcNow, EngineEventKind.OperationFailed, instanceId, operationId, 0, failure.Message));
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Publish(string instanceId, InstanceState state, string? operationId)
    {
        if (_published.TryGetValue(instanceId, out var last) && last == state)
            return;
        _published[instanceId] = state;
        events.Publish(new EngineEvent(DateTimeOffset.UtcNow, EngineEventKind.StateChanged, instanceId, operationId, State: state));
    }

    /// <summary>A state change the engine did not cause; ignored while an operation drives the instance.</summary>
    public void Observed(string instanceId, InstanceState state)
    {
        if (!_driven.ContainsKey(instanceId))
            Publish(instanceId, state, null);
    }

    public void Progress(string instanceId, string? operationId, int percent, string message)
    {
        if (!string.IsNullOrEmpty(operationId))
            events.Publish(new EngineEvent(DateTimeOffset.UtcNow, EngineEventKind.Progress, instanceId, operationId, percent, message));
    }

    /// <summary>Marks the instance as driven by an operation and announces the state it is entering.</summary>
    public void Drive(string instanceId, InstanceState state, string? operationId)
    {
        _driven[instanceId] = state;
        Publish(instanceId, state, operationId);
    }

    /// <summary>Ends the drive and announces where the instance ended up.</summary>
    public void Settle(string instanceId, InstanceState state, string? operationId)
    {
        _driven.TryRemove(instanceId, out _);
        Publish(instanceId, state, operationId);
    }

    public void Forget(string instanceId) => _published.TryRemove(instanceId, out _);

    public void Dispose()
    {
        foreach (var gate in _locks.Values)
            gate.Dispose();
    }
}
