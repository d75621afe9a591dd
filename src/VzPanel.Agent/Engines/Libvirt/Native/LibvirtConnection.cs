using System.Runtime.InteropServices;

namespace VzPanel.Agent.Engines.Libvirt.Native;

/// <summary>What happened to a domain, as libvirt's lifecycle events name it (virDomainEventType).</summary>
internal enum DomainLifecycle { Defined, Undefined, Started, Suspended, Resumed, Stopped, Shutdown, PmSuspended, Crashed }

/// <summary>
/// One connection to libvirtd, reopened when libvirtd went away and came back. Calls block, so callers
/// run them off the request thread. Lifecycle and device-removal events arrive on libvirt's event thread.
/// </summary>
internal sealed unsafe class LibvirtConnection(string uri) : IDisposable
{
    private const int LifecycleEventId = 0;
    private const int DeviceRemovedEventId = 15;

    private readonly Lock _gate = new();
    private nint _conn;
    private GCHandle _self;
    private readonly List<int> _callbacks = [];

    public string Uri { get; } = uri;

    /// <summary>Domain UUID and what happened to it.</summary>
    public event Action<string, DomainLifecycle>? Lifecycle;

    /// <summary>Domain UUID and the alias of the device the guest released.</summary>
    public event Action<string, string>? DeviceRemoved;

    /// <summary>Runs <paramref name="call"/> with a live connection; a lost connection is dropped so the next call reopens it.</summary>
    public T Use<T>(Func<nint, T> call)
    {
        var conn = Open();
        try
        {
            return call(conn);
        }
        catch (LibvirtException failure) when (failure.ConnectionLost && LibvirtNative.virConnectIsAlive(conn) != 1)
        {
            Drop(conn);
            throw;
        }
    }

    public void Use(Action<nint> call) => Use(conn => { call(conn); return 0; });

    private nint Open()
    {
        lock (_gate)
        {
            if (_conn != 0 && LibvirtNative.virConnectIsAlive(_conn) == 1)
                return _conn;
            if (_conn != 0)
                CloseLocked();
            LibvirtEventLoop.EnsureStarted();
            var conn = LibvirtNative.virConnectOpen(Uri);
            if (conn == 0)
                throw LibvirtException.Last($"connecting to {Uri}");
            // Keepalive lets libvirt notice a dead daemon and close the connection (5 s interval, 3 misses).
            _ = LibvirtNative.virConnectSetKeepAlive(conn, 5, 3);
            if (!_self.IsAllocated)
                _self = GCHandle.Alloc(this);
            var opaque = GCHandle.ToIntPtr(_self);
            _callbacks.Add(LibvirtException.Check(LibvirtNative.virConnectDomainEventRegisterAny(
                conn, 0, LifecycleEventId, (nint)(delegate* unmanaged<nint, nint, int, int, nint, int>)&OnLifecycle, opaque, 0), "subscribing to domain events"));
            _callbacks.Add(LibvirtException.Check(LibvirtNative.virConnectDomainEventRegisterAny(
                conn, 0, DeviceRemovedEventId, (nint)(delegate* unmanaged<nint, nint, byte*, nint, void>)&OnDeviceRemoved, opaque, 0), "subscribing to device events"));
            _conn = conn;
            return conn;
        }
    }

    private void Drop(nint conn)
    {
        lock (_gate)
        {
            if (_conn == conn)
                CloseLocked();
        }
    }

    private void CloseLocked()
    {
        foreach (var id in _callbacks)
            _ = LibvirtNative.virConnectDomainEventDeregisterAny(_conn, id);
        _callbacks.Clear();
        _ = LibvirtNative.virConnectClose(_conn);
        _conn = 0;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_conn != 0)
                CloseLocked();
            if (_self.IsAllocated)
                _self.Free();
        }
    }

    [UnmanagedCallersOnly]
    private static int OnLifecycle(nint conn, nint dom, int eventType, int detail, nint opaque)
    {
        // An exception must never cross back into libvirt's C code: it would take the process down.
        try
        {
            if (GCHandle.FromIntPtr(opaque).Target is LibvirtConnection self && DomainUuid(dom) is { } uuid)
                self.Lifecycle?.Invoke(uuid, (DomainLifecycle)eventType);
        }
        catch (Exception)
        {
        }
        return 0;
    }

    [UnmanagedCallersOnly]
    private static void OnDeviceRemoved(nint conn, nint dom, byte* alias, nint opaque)
    {
        try
        {
            if (GCHandle.FromIntPtr(opaque).Target is LibvirtConnection self && DomainUuid(dom) is { } uuid)
                self.DeviceRemoved?.Invoke(uuid, Marshal.PtrToStringUTF8((nint)alias) ?? "");
        }
        catch (Exception)
        {
        }
    }

    public static string? DomainUuid(nint dom)
    {
        var buffer = stackalloc byte[37];
        return LibvirtNative.virDomainGetUUIDString(dom, buffer) == 0 ? Marshal.PtrToStringUTF8((nint)buffer) : null;
    }
}
