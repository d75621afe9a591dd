using System.Runtime.InteropServices;

namespace VzPanel.Agent.Engines.Libvirt.Native;

/// <summary>libvirt's error numbers the engine tells apart (virterror.h).</summary>
internal enum LibvirtErrorCode
{
    Internal = 1,
    NoSupport = 3,
    NoConnect = 5,
    InvalidArg = 8,
    OperationFailed = 9,
    XmlError = 27,
    DomainExists = 28,
    SystemError = 38,
    Rpc = 39,
    NoDomain = 42,
    NoStoragePool = 49,
    NoStorageVolume = 50,
    OperationInvalid = 55,
    ConfigUnsupported = 67,
    OperationTimeout = 68,
    OperationAborted = 78,
    NoDomainMetadata = 80,
    MigrateUnsafe = 81,
    OperationUnsupported = 84,
    AgentUnresponsive = 86,
    StorageVolumeExists = 90,
    AgentUnsynced = 97,
    DeviceMissing = 99,
}

/// <summary>A libvirt call failed; <see cref="Code"/> is libvirt's own error number.</summary>
internal sealed class LibvirtException(LibvirtErrorCode code, string message) : Exception(message)
{
    public LibvirtErrorCode Code { get; } = code;

    public bool ConnectionLost => Code is LibvirtErrorCode.NoConnect or LibvirtErrorCode.Rpc or LibvirtErrorCode.SystemError;

    /// <summary>Reads the calling thread's last libvirt error (libvirt keeps it per thread).</summary>
    public static unsafe LibvirtException Last(string action)
    {
        var pointer = LibvirtNative.virGetLastError();
        if (pointer == 0)
            return new LibvirtException(LibvirtErrorCode.Internal, $"{action} failed (libvirt gave no reason)");
        var error = Marshal.PtrToStructure<NativeError>(pointer);
        var message = Marshal.PtrToStringUTF8(error.Message) ?? "no message";
        LibvirtNative.virResetLastError();
        return new LibvirtException((LibvirtErrorCode)error.Code, message);
    }

    public static nint Check(nint handle, string action) => handle != 0 ? handle : throw Last(action);

    public static int Check(int result, string action) => result >= 0 ? result : throw Last(action);
}
