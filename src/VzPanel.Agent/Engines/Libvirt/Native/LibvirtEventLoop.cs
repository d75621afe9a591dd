using System.Runtime.InteropServices;

namespace VzPanel.Agent.Engines.Libvirt.Native;

/// <summary>
/// libvirt delivers domain events only to a process that runs its default event loop; it must be
/// registered before the first connection is opened. One loop per process, on a background thread.
/// It also silences libvirt's habit of printing every error to stderr: errors are read and reported.
/// </summary>
internal static unsafe class LibvirtEventLoop
{
    private static readonly Lock Gate = new();
    private static bool _started;

    public static void EnsureStarted()
    {
        lock (Gate)
        {
            if (_started)
                return;
            LibvirtException.Check(LibvirtNative.virInitialize(), "initializing libvirt");
            LibvirtNative.virSetErrorFunc(0, &IgnoreError);
            LibvirtException.Check(LibvirtNative.virEventRegisterDefaultImpl(), "registering the libvirt event loop");
            var thread = new Thread(Run) { IsBackground = true, Name = "libvirt-events" };
            thread.Start();
            _started = true;
        }
    }

    private static void Run()
    {
        while (true)
        {
            if (LibvirtNative.virEventRunDefaultImpl() < 0)
                Thread.Sleep(100);
        }
    }

    [UnmanagedCallersOnly]
    private static void IgnoreError(nint userData, nint error)
    {
    }
}
