namespace VzPanel.Agent.Engines.Libvirt.Native;

/// <summary>A domain as listed: its UUID, libvirt state (virDomainState) and XML (live when running).</summary>
internal sealed record DomainListing(string Uuid, int State, string Xml);

/// <summary>
/// Typed, blocking wrappers over the libvirt calls the engine makes. Every handle is freed before a
/// method returns; failures throw <see cref="LibvirtException"/> with libvirt's code and message.
/// </summary>
internal sealed unsafe partial class LibvirtApi(LibvirtConnection connection)
{
    public const uint AffectLive = 1;
    public const uint AffectConfig = 2;
    private const uint XmlInactive = 2;
    private const int MetadataElement = 2;

    /// <summary>VIR_DOMAIN_BLOCK_RESIZE_BYTES: the size is in bytes, not KiB.</summary>
    private const uint BlockResizeBytes = 1;

    public LibvirtConnection Connection { get; } = connection;

    public (ulong Library, ulong Hypervisor) Versions() => Connection.Use(conn =>
    {
        LibvirtException.Check(LibvirtNative.virConnectGetLibVersion(conn, out var library), "reading the libvirt version");
        LibvirtException.Check(LibvirtNative.virConnectGetVersion(conn, out var hypervisor), "reading the hypervisor version");
        return (library, hypervisor);
    });

    public IReadOnlyList<DomainListing> ListDomains() => Connection.Use(conn =>
    {
        var count = LibvirtException.Check(LibvirtNative.virConnectListAllDomains(conn, out var domains, 0), "listing domains");
        var list = new List<DomainListing>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var dom = domains[i];
                // A domain undefined between listing and reading simply drops out of the list.
                if (LibvirtConnection.DomainUuid(dom) is not { } uuid || LibvirtNative.virDomainGetState(dom, out var state, out _, 0) < 0)
                    continue;
                if (LibvirtNative.TakeString(LibvirtNative.virDomainGetXMLDesc(dom, 0)) is { } xml)
                    list.Add(new DomainListing(uuid, state, xml));
            }
        }
        finally
        {
            for (var i = 0; i < count; i++)
                _ = LibvirtNative.virDomainFree(domains[i]);
            System.Runtime.InteropServices.NativeMemory.Free(domains);
        }
        return list;
    });

    public void Define(string xml) => Connection.Use(conn =>
        _ = LibvirtNative.virDomainFree(LibvirtException.Check(LibvirtNative.virDomainDefineXML(conn, xml), "defining the domain")));

    public int State(string uuid) => WithDomain(uuid, "reading the domain state", dom =>
        LibvirtException.Check(LibvirtNative.virDomainGetState(dom, out var state, out _, 0), "reading the domain state") >= 0 ? state : 0);

    public string Xml(string uuid, bool inactive = false) => WithDomain(uuid, "reading the domain XML", dom =>
        LibvirtNative.TakeString(LibvirtException.Check(LibvirtNative.virDomainGetXMLDesc(dom, inactive ? XmlInactive : 0), "reading the domain XML"))!);

    public void Start(string uuid) => Do(uuid, "starting the domain", LibvirtNative.virDomainCreate);

    public void Shutdown(string uuid, uint mode) => Do(uuid, "shutting the domain down", dom => LibvirtNative.virDomainShutdownFlags(dom, mode));

    public void Destroy(string uuid) => Do(uuid, "stopping the domain", LibvirtNative.virDomainDestroy);

    /// <summary>Also drops managed save images, snapshot metadata and NVRAM, so nothing of the domain stays defined.</summary>
    public void Undefine(string uuid) => Do(uuid, "undefining the domain", dom => LibvirtNative.virDomainUndefineFlags(dom, 1 | 2 | 4));

    public void AttachDevice(string uuid, string xml, uint flags) =>
        Do(uuid, "attaching a device", dom => LibvirtNative.virDomainAttachDeviceFlags(dom, xml, flags));

    public void DetachDevice(string uuid, string xml, uint flags) =>
        Do(uuid, "detaching a device", dom => LibvirtNative.virDomainDetachDeviceFlags(dom, xml, flags));

    public void SetMemory(string uuid, long kib, uint flags) =>
        Do(uuid, "setting the balloon target", dom => LibvirtNative.virDomainSetMemoryFlags(dom, (nuint)kib, flags));

    /// <summary>One unsigned memory tunable in KiB, e.g. "soft_limit" (cgroup v1 memory.soft_limit_in_bytes).</summary>
    public void SetMemoryParameter(string uuid, string name, ulong kib, uint flags) => Do(uuid, $"setting {name}", dom =>
    {
        var parameter = new TypedParameter { Type = TypedParameter.UnsignedLongLong, Value = kib };
        var bytes = System.Text.Encoding.ASCII.GetBytes(name);
        for (var i = 0; i < bytes.Length && i < 79; i++)
            parameter.Field[i] = bytes[i];
        return LibvirtNative.virDomainSetMemoryParameters(dom, &parameter, 1, flags);
    });

    /// <summary>Grows a running domain's disk through QEMU (block_resize); the guest's virtio driver sees the new size at once.</summary>
    public void BlockResize(string uuid, string disk, ulong bytes) =>
        Do(uuid, $"resizing disk {disk}", dom => LibvirtNative.virDomainBlockResize(dom, disk, bytes, BlockResizeBytes));

    public void SetVcpus(string uuid, int count, uint flags) =>
        Do(uuid, "setting vCPUs", dom => LibvirtNative.virDomainSetVcpusFlags(dom, (uint)count, flags));

    public void SetMetadata(string uuid, string elementXml, string key, string namespaceUri, uint flags) =>
        Do(uuid, "writing the domain metadata", dom => LibvirtNative.virDomainSetMetadata(dom, MetadataElement, elementXml, key, namespaceUri, flags));

    /// <summary>Balloon statistics by tag (virDomainMemoryStatTags), in KiB; empty when the guest's driver has not reported yet.</summary>
    public IReadOnlyDictionary<int, ulong> MemoryStats(string uuid) => WithDomain(uuid, "reading memory statistics", dom =>
    {
        const int max = 16;
        var stats = stackalloc MemoryStat[max];
        var count = LibvirtException.Check(LibvirtNative.virDomainMemoryStats(dom, stats, max, 0), "reading memory statistics");
        var result = new Dictionary<int, ulong>(count);
        for (var i = 0; i < count; i++)
            result[stats[i].Tag] = stats[i].Value;
        return (IReadOnlyDictionary<int, ulong>)result;
    });

    /// <summary>Sends one guest agent command (JSON) and returns the agent's JSON reply.</summary>
    public string AgentCommand(string uuid, string json, int timeoutSeconds) => WithDomain(uuid, "asking the guest agent", dom =>
        LibvirtNative.TakeString(LibvirtException.Check(LibvirtNative.virDomainQemuAgentCommand(dom, json, timeoutSeconds, 0), "asking the guest agent"))!);

    private void Do(string uuid, string action, Func<nint, int> call) =>
        WithDomain(uuid, action, dom => LibvirtException.Check(call(dom), action));

    private T WithDomain<T>(string uuid, string action, Func<nint, T> call) => Connection.Use(conn =>
    {
        var dom = LibvirtException.Check(LibvirtNative.virDomainLookupByUUIDString(conn, uuid), action);
        try
        {
            return call(dom);
        }
        finally
        {
            _ = LibvirtNative.virDomainFree(dom);
        }
    });
}
