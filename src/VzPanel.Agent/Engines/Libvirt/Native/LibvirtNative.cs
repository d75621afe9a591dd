using System.Runtime.InteropServices;

namespace VzPanel.Agent.Engines.Libvirt.Native;

/// <summary>
/// The part of libvirt's C API the engine uses (libvirt.so.0 and libvirt-qemu.so.0 from Debian's libvirt0).
/// Handles are plain pointers owned by <see cref="LibvirtHandles"/>; strings the library allocates come
/// back as pointers so they can be freed. Signatures follow libvirt 9.0's headers.
/// </summary>
internal static unsafe partial class LibvirtNative
{
    private const string Lib = "libvirt.so.0";
    private const string QemuLib = "libvirt-qemu.so.0";

    // ---- connection, errors, events -------------------------------------------------------------

    [LibraryImport(Lib)] internal static partial int virInitialize();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint virConnectOpen(string name);
    [LibraryImport(Lib)] internal static partial int virConnectClose(nint conn);
    [LibraryImport(Lib)] internal static partial int virConnectIsAlive(nint conn);
    [LibraryImport(Lib)] internal static partial int virConnectGetLibVersion(nint conn, out ulong version);
    [LibraryImport(Lib)] internal static partial int virConnectGetVersion(nint conn, out ulong version);
    [LibraryImport(Lib)] internal static partial int virConnectSetKeepAlive(nint conn, int interval, uint count);
    [LibraryImport(Lib)] internal static partial nint virGetLastError();
    [LibraryImport(Lib)] internal static partial void virResetLastError();
    [LibraryImport(Lib)] internal static partial void virSetErrorFunc(nint userData, delegate* unmanaged<nint, nint, void> handler);
    [LibraryImport(Lib)] internal static partial int virEventRegisterDefaultImpl();
    [LibraryImport(Lib)] internal static partial int virEventRunDefaultImpl();

    [LibraryImport(Lib)]
    internal static partial int virConnectDomainEventRegisterAny(nint conn, nint dom, int eventId, nint callback, nint opaque, nint freeCallback);

    [LibraryImport(Lib)] internal static partial int virConnectDomainEventDeregisterAny(nint conn, int callbackId);

    // ---- domains --------------------------------------------------------------------------------

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint virDomainDefineXML(nint conn, string xml);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint virDomainLookupByUUIDString(nint conn, string uuid);
    [LibraryImport(Lib)] internal static partial int virConnectListAllDomains(nint conn, out nint* domains, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainFree(nint dom);
    [LibraryImport(Lib)] internal static partial int virDomainCreate(nint dom);
    [LibraryImport(Lib)] internal static partial int virDomainShutdownFlags(nint dom, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainDestroy(nint dom);
    [LibraryImport(Lib)] internal static partial int virDomainUndefineFlags(nint dom, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainGetState(nint dom, out int state, out int reason, uint flags);
    [LibraryImport(Lib)] internal static partial nint virDomainGetXMLDesc(nint dom, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainGetUUIDString(nint dom, byte* buffer);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int virDomainAttachDeviceFlags(nint dom, string xml, uint flags);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int virDomainDetachDeviceFlags(nint dom, string xml, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainSetMemoryFlags(nint dom, nuint memoryKib, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainSetVcpusFlags(nint dom, uint count, uint flags);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int virDomainBlockResize(nint dom, string disk, ulong size, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainMemoryStats(nint dom, MemoryStat* stats, uint count, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainSetMemoryParameters(nint dom, TypedParameter* parameters, int count, uint flags);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainSetMetadata(nint dom, int type, string? metadata, string? key, string uri, uint flags);

    [LibraryImport(QemuLib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint virDomainQemuAgentCommand(nint dom, string command, int timeoutSeconds, uint flags);

    // ---- migration ------------------------------------------------------------------------------

    [LibraryImport(Lib)] internal static partial int virDomainCreateWithFlags(nint dom, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainResume(nint dom);
    [LibraryImport(Lib)] internal static partial int virDomainIsPersistent(nint dom);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainMigrateToURI3(nint dom, string dconnuri, TypedParameter* parameters, uint count, uint flags);

    [LibraryImport(Lib)] internal static partial int virDomainGetJobStats(nint dom, out int type, out TypedParameter* parameters, out int count, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainAbortJob(nint dom);
    [LibraryImport(Lib)] internal static partial int virDomainMigrateSetMaxDowntime(nint dom, ulong downtimeMs, uint flags);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virTypedParamsAddString(ref TypedParameter* parameters, ref int count, ref int max, string name, string value);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virTypedParamsAddULLong(ref TypedParameter* parameters, ref int count, ref int max, string name, ulong value);

    [LibraryImport(Lib)] internal static partial void virTypedParamsFree(TypedParameter* parameters, int count);

    // ---- storage --------------------------------------------------------------------------------

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint virStoragePoolLookupByName(nint conn, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint virStoragePoolDefineXML(nint conn, string xml, uint flags);
    [LibraryImport(Lib)] internal static partial int virStoragePoolBuild(nint pool, uint flags);
    [LibraryImport(Lib)] internal static partial int virStoragePoolCreate(nint pool, uint flags);
    [LibraryImport(Lib)] internal static partial int virStoragePoolIsActive(nint pool);
    [LibraryImport(Lib)] internal static partial int virStoragePoolDestroy(nint pool);
    [LibraryImport(Lib)] internal static partial int virStoragePoolUndefine(nint pool);
    [LibraryImport(Lib)] internal static partial int virStoragePoolSetAutostart(nint pool, int autostart);
    [LibraryImport(Lib)] internal static partial int virStoragePoolRefresh(nint pool, uint flags);
    [LibraryImport(Lib)] internal static partial int virStoragePoolGetInfo(nint pool, out StoragePoolNativeInfo info);
    [LibraryImport(Lib)] internal static partial nint virStoragePoolGetName(nint pool);
    [LibraryImport(Lib)] internal static partial nint virStoragePoolGetXMLDesc(nint pool, uint flags);
    [LibraryImport(Lib)] internal static partial int virStoragePoolFree(nint pool);
    [LibraryImport(Lib)] internal static partial int virConnectListAllStoragePools(nint conn, out nint* pools, uint flags);
    [LibraryImport(Lib)] internal static partial int virStoragePoolListAllVolumes(nint pool, out nint* volumes, uint flags);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint virStorageVolLookupByName(nint pool, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint virStorageVolCreateXML(nint pool, string xml, uint flags);
    [LibraryImport(Lib)] internal static partial int virStorageVolDelete(nint volume, uint flags);
    [LibraryImport(Lib)] internal static partial int virStorageVolResize(nint volume, ulong capacityBytes, uint flags);
    [LibraryImport(Lib)] internal static partial int virStorageVolGetInfo(nint volume, out StorageVolNativeInfo info);
    [LibraryImport(Lib)] internal static partial nint virStorageVolGetName(nint volume);
    [LibraryImport(Lib)] internal static partial nint virStorageVolGetPath(nint volume);
    [LibraryImport(Lib)] internal static partial nint virStorageVolGetXMLDesc(nint volume, uint flags);
    [LibraryImport(Lib)] internal static partial int virStorageVolFree(nint volume);

    /// <summary>A string libvirt allocated for the caller: read it, then free it with the C allocator.</summary>
    internal static string? TakeString(nint pointer)
    {
        if (pointer == 0)
            return null;
        try
        {
            return Marshal.PtrToStringUTF8(pointer);
        }
        finally
        {
            NativeMemory.Free((void*)pointer);
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct MemoryStat
{
    public int Tag;
    public ulong Value;
}

/// <summary>virTypedParameter: an 80-byte name, a type tag and an 8-byte value (a number, or a string pointer).</summary>
[StructLayout(LayoutKind.Explicit, Size = 96)]
internal unsafe struct TypedParameter
{
    public const int Int = 1, UnsignedInt = 2, LongLong = 3, UnsignedLongLong = 4, Double = 5, Boolean = 6;

    [FieldOffset(0)] public fixed byte Field[80];
    [FieldOffset(80)] public int Type;
    [FieldOffset(88)] public ulong Value;
    [FieldOffset(88)] public int IntValue;
    [FieldOffset(88)] public uint UnsignedIntValue;
    [FieldOffset(88)] public long LongValue;
    [FieldOffset(88)] public double DoubleValue;

    public string Name
    {
        get
        {
            fixed (byte* name = Field)
                return Marshal.PtrToStringUTF8((nint)name) ?? "";
        }
    }

    /// <summary>The value as a whole number; strings and unknown types read as null.</summary>
    public long? Number => Type switch
    {
        Int or Boolean => IntValue,
        UnsignedInt => UnsignedIntValue,
        LongLong => LongValue,
        UnsignedLongLong => (long)Math.Min(Value, long.MaxValue),
        Double => (long)DoubleValue,
        _ => null,
    };
}

[StructLayout(LayoutKind.Sequential)]
internal struct StoragePoolNativeInfo
{
    public int State;
    public ulong Capacity;
    public ulong Allocation;
    public ulong Available;
}

[StructLayout(LayoutKind.Sequential)]
internal struct StorageVolNativeInfo
{
    public int Type;
    public ulong Capacity;
    public ulong Allocation;
}

/// <summary>The first fields of libvirt's virError; the rest are not needed.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeError
{
    public int Code;
    public int Domain;
    public nint Message;
}
