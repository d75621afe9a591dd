using System.Collections.Concurrent;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Migration;

namespace VzPanel.Agent.Migration;

/// <summary>
/// Transfers this node is sending: their progress for GetMigrationProgress and a cancel switch each. A transfer is
/// bound to the agent's lifetime, not to the panel's call: a panel that restarts finds it still running.
/// </summary>
public sealed class OutgoingMigrations(IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<string, Transfer> _running = new();

    public async Task<MigrationOutcome> RunAsync(string instanceId, Func<Action<MigrationProgress>, CancellationToken, Task<MigrationOutcome>> transfer)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        var entry = new Transfer(cancel);
        if (!_running.TryAdd(instanceId, entry))
            throw new EngineException(EngineErrorCode.WrongState, "a migration of this instance is already running");
        try
        {
            return await transfer(p => entry.Progress = p, cancel.Token);
        }
        catch (OperationCanceledException) when (entry.CancelRequested)
        {
            throw new EngineException(EngineErrorCode.Failed, "the migration was cancelled; the instance stays where it was");
        }
        finally
        {
            _running.TryRemove(instanceId, out _);
        }
    }

    public MigrationProgress? Progress(string instanceId) =>
        _running.TryGetValue(instanceId, out var entry) ? entry.Progress ?? new MigrationProgress("starting", 0, 0, 0, 0) : null;

    /// <summary>Asks a running transfer to stop; false when none runs.</summary>
    public bool Cancel(string instanceId)
    {
        if (!_running.TryGetValue(instanceId, out var entry)) return false;
        entry.CancelRequested = true;
        entry.Cancel.Cancel();
        return true;
    }

    private sealed class Transfer(CancellationTokenSource cancel)
    {
        public CancellationTokenSource Cancel { get; } = cancel;
        public volatile MigrationProgress? Progress;
        public volatile bool CancelRequested;
    }
}
