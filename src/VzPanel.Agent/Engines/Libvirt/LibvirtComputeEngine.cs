using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VzPanel.Agent.Engines.Host;
using VzPanel.Agent.Engines.Libvirt.Native;
using VzPanel.Agent.Hosting;
using VzPanel.Shared;

namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>
/// Real VMs: KVM/QEMU through libvirt's C API. The domain XML is the source of truth (what the panel
/// asked for rides along in its metadata), so the agent keeps no state of its own beyond a root
/// password waiting for a VM's first boot, in memory only. Calls block in libvirt, so every operation
/// runs on the thread pool; one operation per instance at a time.
/// </summary>
public sealed partial class LibvirtComputeEngine : IComputeEngine, IDisposable
{
    private readonly LibvirtOptions _options;
    private readonly LibvirtConnection _connection;
    private readonly LibvirtApi _api;
    private readonly ILogger _logger;
    private readonly EngineEventHub _events = new();
    private readonly InstanceOperations _operations;
    private readonly ConcurrentDictionary<string, byte> _own = new();
    private readonly ConcurrentDictionary<string, string> _pendingRootPasswords = new();
    private readonly ConcurrentDictionary<string, long> _maxHeldPages = new();
    private readonly SemaphoreSlim _admission = new(1, 1);
    private readonly DeviceRemovals _removals = new();
    private volatile bool _poolReady;

    public LibvirtComputeEngine(LibvirtOptions options, ILogger<LibvirtComputeEngine>? logger = null)
    {
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _operations = new InstanceOperations(_events);
        _connection = new LibvirtConnection(options.Uri);
        _connection.Lifecycle += OnLifecycle;
        _connection.DeviceRemoved += _removals.Removed;
        _api = new LibvirtApi(_connection);
        Accelerator = ResolveAccelerator(options.Accelerator);
    }

    public EngineKind Kind => EngineKind.Libvirt;

    /// <summary>kvm or tcg, decided once from the options and the host (never by booting and waiting).</summary>
    public string Accelerator { get; }

    public static string ResolveAccelerator(string configured) => configured switch
    {
        "kvm" or "tcg" => configured,
        "auto" => HostFacts.HasKvmDevice && !HostFacts.IsVirtualMachine ? "kvm" : "tcg",
        _ => throw new ArgumentException($"accelerator '{configured}' is not auto, kvm or tcg", nameof(configured)),
    };

    public Task<IEngineEventStream> WatchEventsAsync(CancellationToken cancellationToken) => Task.FromResult(_events.Subscribe());

    public Task<NodeDescription> GetNodeInfoAsync(CancellationToken cancellationToken) => Blocking(() =>
    {
        var (ramMib, availableMib) = HostFacts.Memory();
        var (library, hypervisor) = _api.Versions();
        var running = OwnDomains().Where(d => IsActive(StateOf(d.Listing))).Select(d => d.Facts.Metadata!).ToList();
        var ksm = HostKsm.Read();
        List<string> capabilities = ["memory-hotplug", "memory-unplug", "balloon", "guest-agent", "template-cache"];
        if (ksm.Available)
            capabilities.Add("ksm");
        return new NodeDescription(
            _options.NodeName, EngineKind.Libvirt, HostFacts.CpuCount, ramMib, HostReserveMib(ramMib), AgentVersion.Current,
            new Dictionary<string, string>
            {
                ["libvirt"] = Version(library),
                ["qemu"] = Version(hypervisor),
                ["kernel"] = HostFacts.KernelRelease,
                [NetworkFact.Key] = NetworkFact.Describe(_options.Network),
                ["agent"] = AgentVersion.Current,
            },
            capabilities,
            availableMib,
            running.Sum(m => Guarantee(m.MemoryMib, m.GuaranteePercent)),
            running.Sum(m => m.MemoryMib))
        {
            Templates = VmTemplate.LoadAll(_options.TemplateDirectory).Select(t => t.Describe()).ToList(),
            Accelerator = Accelerator,
        };
    });

    public Task<IReadOnlyList<InstanceInfo>> ListInstancesAsync(CancellationToken cancellationToken) => Blocking(() =>
        (IReadOnlyList<InstanceInfo>)OwnDomains().Select(d => ToInfo(d.Listing, d.Facts)).ToList());

    public void Dispose()
    {
        _connection.Dispose();
        _admission.Dispose();
        _operations.Dispose();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private long HostReserveMib(long ramMib) => _options.HostReserveMib > 0 ? _options.HostReserveMib : Math.Max(1024, ramMib / 10);

    private static long Guarantee(long memoryMib, int percent) => MemoryGuarantee.MiB(memoryMib, percent);

    private static string Version(ulong packed) =>
        string.Create(CultureInfo.InvariantCulture, $"{packed / 1_000_000}.{packed / 1000 % 1000}.{packed % 1000}");

    /// <summary>The domains this agent made (its scope); others on the host are not the panel's business.</summary>
    private List<(DomainListing Listing, DomainFacts Facts)> OwnDomains()
    {
        var own = new List<(DomainListing, DomainFacts)>();
        foreach (var listing in _api.ListDomains())
        {
            var facts = DomainXml.Read(listing.Xml);
            if (facts.Metadata?.Scope != _options.Scope)
                continue;
            _own.TryAdd(listing.Uuid, 0);
            own.Add((listing, facts));
        }
        return own;
    }

    private (DomainListing Listing, DomainFacts Facts) Own(string instanceId)
    {
        if (!Guid.TryParse(instanceId, out _))
            throw EngineException.NotFound(instanceId);
        try
        {
            var xml = _api.Xml(instanceId);
            var facts = DomainXml.Read(xml);
            if (facts.Metadata?.Scope != _options.Scope)
                throw EngineException.NotFound(instanceId);
            return (new DomainListing(instanceId, _api.State(instanceId), xml), facts);
        }
        catch (LibvirtException failure) when (failure.Code == LibvirtErrorCode.NoDomain)
        {
            throw EngineException.NotFound(instanceId);
        }
    }

    private InstanceState StateOf(DomainListing listing) => _operations.Driven(listing.Uuid) ?? MapState(listing.State);

    /// <summary>virDomainState: running, blocked and paused VMs hold their memory, so they count as running.</summary>
    private static InstanceState MapState(int state) => state switch
    {
        1 or 2 or 3 or 7 => InstanceState.Running,
        4 => InstanceState.Stopping,
        6 => InstanceState.Failed,
        _ => InstanceState.Stopped,
    };

    private static bool IsActive(InstanceState state) => state is InstanceState.Running or InstanceState.Starting or InstanceState.Stopping;

    private InstanceInfo ToInfo(DomainListing listing, DomainFacts facts)
    {
        var metadata = facts.Metadata!;
        var state = StateOf(listing);
        return new InstanceInfo(listing.Uuid, metadata.Name, InstanceKind.VirtualMachine, state, metadata.MemoryMib, metadata.GuaranteePercent,
            facts.VCpus, IsActive(state) ? UsedMib(listing.Uuid) : 0, metadata.Addresses, metadata.Hostname, metadata.Template)
        {
            DiskGib = metadata.DiskGib,
        };
    }

    private InstanceInfo Snapshot(string instanceId)
    {
        var (listing, facts) = Own(instanceId);
        return ToInfo(listing, facts);
    }

    /// <summary>What the guest uses (MemTotal minus MemAvailable) from the balloon's statistics; 0 before the driver reports.</summary>
    private long UsedMib(string uuid)
    {
        const int unused = 4, available = 5, usable = 8;
        try
        {
            var stats = _api.MemoryStats(uuid);
            if (stats.TryGetValue(available, out var total) && (stats.TryGetValue(usable, out var free) || stats.TryGetValue(unused, out free)))
                return (long)(total - Math.Min(total, free)) / 1024;
        }
        catch (LibvirtException)
        {
            // A VM that just stopped has no statistics; it uses nothing.
        }
        return 0;
    }

    /// <summary>State changes nobody here asked for (the guest powered off, someone used virsh) still reach the panel.</summary>
    private void OnLifecycle(string uuid, DomainLifecycle lifecycle)
    {
        if (!_own.ContainsKey(uuid))
            return;
        InstanceState? state = lifecycle switch
        {
            DomainLifecycle.Started or DomainLifecycle.Resumed => InstanceState.Running,
            DomainLifecycle.Shutdown => InstanceState.Stopping,
            DomainLifecycle.Stopped => InstanceState.Stopped,
            DomainLifecycle.Crashed => InstanceState.Failed,
            _ => null,
        };
        if (state is { } changed)
            _operations.Observed(uuid, changed);
    }

    /// <summary>Runs blocking libvirt work off the caller's thread and turns libvirt's errors into the engine's.</summary>
    private Task<T> Blocking<T>(Func<T> work) => BlockingAsync(() => Task.FromResult(work()));

    private async Task<T> BlockingAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await Task.Run(work);
        }
        catch (LibvirtException failure)
        {
            throw Translate(failure);
        }
    }

    private EngineException Translate(LibvirtException failure) => failure.Code switch
    {
        LibvirtErrorCode.NoDomain => new EngineException(EngineErrorCode.NotFound, failure.Message),
        LibvirtErrorCode.OperationInvalid => new EngineException(EngineErrorCode.WrongState, failure.Message),
        LibvirtErrorCode.InvalidArg or LibvirtErrorCode.XmlError or LibvirtErrorCode.ConfigUnsupported =>
            new EngineException(EngineErrorCode.InvalidArgument, failure.Message),
        LibvirtErrorCode.OperationTimeout => new EngineException(EngineErrorCode.Timeout, failure.Message),
        LibvirtErrorCode.AgentUnresponsive or LibvirtErrorCode.AgentUnsynced => new EngineException(EngineErrorCode.Unavailable, failure.Message),
        _ when failure.ConnectionLost => new EngineException(EngineErrorCode.Unavailable, $"libvirt at {_options.Uri} is not reachable: {failure.Message}"),
        _ => new EngineException(EngineErrorCode.Failed, $"libvirt: {failure.Message}"),
    };

    /// <summary>One mutating operation on an instance: off-thread, serialized, announced as succeeded or failed.</summary>
    private Task<T> OperateAsync<T>(string instanceId, string? operationId, Func<Task<T>> body) =>
        _operations.RunAsync(instanceId, operationId, () => BlockingAsync(body));

    private Task<T> Operate<T>(string instanceId, string? operationId, Func<T> body) =>
        OperateAsync(instanceId, operationId, () => Task.FromResult(body()));

    private GuestAgent Agent(string instanceId, DomainFacts facts) => new(_api, instanceId, facts.Metadata?.Name ?? instanceId);
}
