namespace VzPanel.Agent.Engines;

public enum EngineKind { Sim, Libvirt, Lxc, Prlctl }

public enum InstanceKind { Container, VirtualMachine }

public enum InstanceState { Stopped, Starting, Running, Stopping, Failed }

public enum StopMode { Graceful, Forced }

public sealed record NodeDescription(
    string Hostname,
    EngineKind Engine,
    int CpuCount,
    long RamMib,
    long HostReserveMib,
    string AgentVersion,
    IReadOnlyDictionary<string, string> Versions,
    IReadOnlyList<string> Capabilities,
    long RamFreeMib,
    long GuaranteedMib,
    long CommittedMib)
{
    /// <summary>The node's template cache; only meaningful with the "template-cache" capability.</summary>
    public IReadOnlyList<TemplateDescription> Templates { get; init; } = [];

    /// <summary>"kvm" or "tcg" for engines that run VMs, otherwise empty.</summary>
    public string Accelerator { get; init; } = "";
}

public sealed record TemplateDescription(string Name, InstanceKind Kind, string Version, string Description, string OsFamily);

/// <summary>One guest tool and whether it applies to this guest; <c>Reason</c> says why not.</summary>
public sealed record GuestTool(string Name, bool Available, string Reason = "");

/// <summary>What the guest's own tools say about it, or why they do not answer.</summary>
public sealed record GuestInfo(
    bool AgentResponding,
    string UnavailableReason,
    string OsId,
    string OsName,
    string OsVersion,
    string KernelRelease,
    long MemorySeenMib,
    long MemoryAvailableMib,
    IReadOnlyList<GuestTool> Tools);

/// <summary>What the panel asks for. The root password is only handed to the guest, never kept or logged.</summary>
public sealed record InstanceDefinition(
    string Id,
    string Name,
    InstanceKind Kind,
    string Template,
    long MemoryMib,
    int MemoryGuaranteePercent,
    int VCpus,
    long DiskGib,
    string Hostname = "",
    IReadOnlyList<string>? IpAddresses = null,
    int CpuLimitPercent = 0,
    string? RootPassword = null)
{
    // Keeps the password out of logs and exception messages that print the record.
    public override string ToString() => $"InstanceDefinition {{ Id = {Id}, Name = {Name}, Kind = {Kind}, MemoryMib = {MemoryMib} }}";
}

public sealed record InstanceInfo(
    string Id,
    string Name,
    InstanceKind Kind,
    InstanceState State,
    long MemoryMib,
    int MemoryGuaranteePercent,
    int VCpus,
    long MemoryUsedMib,
    IReadOnlyList<string> IpAddresses,
    string Hostname,
    string Template)
{
    /// <summary>The size of the instance's disk; 0 when the engine does not know it (domains made before it was recorded).</summary>
    public long DiskGib { get; init; }
}

public sealed record ExecCommand(IReadOnlyList<string> Argv, TimeSpan Timeout, byte[]? Stdin = null);

public sealed record ExecResult(int ExitCode, byte[] Stdout, byte[] Stderr, bool TimedOut);

public sealed record GuestInterfaceConfig(string Name, string Mac, IReadOnlyList<string> Addresses);

public sealed record GuestNetworkConfig(
    string Hostname,
    IReadOnlyList<GuestInterfaceConfig> Interfaces,
    string Gateway,
    IReadOnlyList<string> DnsServers);

/// <summary>One beancounter row: <c>Unit</c> is "pages" (4 KiB), "bytes" or "count".</summary>
public sealed record CounterRow(string Resource, long Held, long MaxHeld, long Barrier, long Limit, long FailCount, string Unit);

public sealed record InstanceCounters(string InstanceId, IReadOnlyList<CounterRow> Counters, long OomKills);

public sealed record KsmStatistics(
    bool Available,
    int Run,
    long PagesShared,
    long PagesSharing,
    long PagesUnshared,
    long PagesVolatile,
    long FullScans,
    long SavedMib);

public sealed record StoragePoolInfo(string Name, string Type, string Target, long CapacityBytes, long AllocationBytes, long AvailableBytes);

public sealed record VolumeInfo(
    string Name,
    string Pool,
    string InstanceId,
    string Format,
    long CapacityBytes,
    long AllocationBytes,
    string BackingVolume);
