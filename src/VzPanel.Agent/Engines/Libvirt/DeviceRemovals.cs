using System.Collections.Concurrent;

namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>Waits for libvirt's device-removed event: a DIMM unplug is only a request until the guest lets go.</summary>
internal sealed class DeviceRemovals
{
    private readonly ConcurrentDictionary<(string Uuid, string Alias), TaskCompletionSource> _waiting = new();

    public Task Expect(string uuid, string alias) =>
        _waiting.GetOrAdd((uuid, alias), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(string uuid, string alias) => _waiting.TryRemove((uuid, alias), out _);

    public void Removed(string uuid, string alias)
    {
        if (_waiting.TryRemove((uuid, alias), out var waiter))
            waiter.TrySetResult();
    }
}
