using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VzPanel.Agent.Engines.Host;
using VzPanel.Agent.Hosting;
using VzPanel.Shared;

namespace VzPanel.Agent.Engines.Lxc;

/// <summary>
/// Real system containers: LXC driven through its tools with argument lists (decision 0009). Each
/// container is a folder in the agent's own lxcpath (its scope) holding the LXC config and the spec
/// the config is generated from; its root filesystem is a folder under the private path. Live limits
/// and counters go straight to the container's cgroup files. One operation per container at a time.
/// </summary>
public sealed partial class LxcComputeEngine : IComputeEngine, IDisposable
{
    private readonly LxcOptions _options;
    private readonly LxcTools _lxc;
    private readonly ILogger _logger;
    private readonly EngineEventHub _events = new();
    private readonly InstanceOperations _operations;
    private readonly SemaphoreSlim _admission = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _pendingRootPasswords = new();
    private readonly LxcMonitor _monitor;

    /// <summary>Asked once: heartbeats read the node facts every few seconds, and the tools do not change under a running agent.</summary>
    private static readonly Lazy<Task<string>> LxcVersion = new(LxcVersionAsync);

    public LxcComputeEngine(LxcOptions options, ILogger<LxcComputeEngine>? logger = null)
    {
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Directory.CreateDirectory(options.LxcPath);
        Directory.CreateDirectory(options.PrivatePath);
        _lxc = new LxcTools(options.LxcPath);
        _operations = new InstanceOperations(_events);
        _monitor = new LxcMonitor(options.LxcPath, OnMonitored, _logger);
    }

    public EngineKind Kind => EngineKind.Lxc;

    public Task<IEngineEventStream> WatchEventsAsync(CancellationToken cancellationToken) => Task.FromResult(_events.Subscribe());

    public async Task<NodeDescription> GetNodeInfoAsync(CancellationToken cancellationToken)
    {
        var (ramMib, availableMib) = HostFacts.Memory();
        var running = new List<ContainerSpec>();
        foreach (var (id, spec) in OwnContainers())
        {
            if (IsActive(await StateAsync(id)))
                running.Add(spec);
        }
        var criu = await CriuCheck.ResultAsync();
        // No "live-ct-migration": moving a running container (a CRIU checkpoint and restore) is not built, so the panel
        // plans containers cold even where CRIU works; versions["criu"] says what CRIU could do here.
        List<string> capabilities = ["memory-live", "memory-guarantee", "template-cache", "guest-exec"];
        if (HostKsm.Read().Available)
            capabilities.Add("ksm");
        return new NodeDescription(
            _options.NodeName, EngineKind.Lxc, HostFacts.CpuCount, ramMib, HostReserveMib(ramMib), AgentVersion.Current,
            new Dictionary<string, string>
            {
                ["lxc"] = await LxcVersion.Value,
                ["kernel"] = HostFacts.KernelRelease,
                ["cgroup"] = ContainerCgroup.HostFlavor == CgroupFlavor.V1 ? "v1 (memory)" : "v2",
                ["criu"] = criu.Summary,
                [NetworkFact.Key] = NetworkFact.Describe(_options.Network),
                ["agent"] = AgentVersion.Current,
            },
            capabilities,
            availableMib,
            running.Sum(s => MemoryGuarantee.MiB(s.MemoryMib, s.GuaranteePercent)),
            running.Sum(s => s.MemoryMib))
        {
            Templates = CtTemplate.LoadAll(_options.TemplateDirectory).Select(t => t.Describe()).ToList(),
        };
    }

    public async Task<IReadOnlyList<InstanceInfo>> ListInstancesAsync(CancellationToken cancellationToken)
    {
        var instances = new List<InstanceInfo>();
        foreach (var (id, spec) in OwnContainers())
            instances.Add(await ToInfoAsync(id, spec));
        return instances;
    }

    public void Dispose()
    {
        _monitor.Dispose();
        _operations.Dispose();
        _admission.Dispose();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private long HostReserveMib(long ramMib) => _options.HostReserveMib > 0 ? _options.HostReserveMib : Math.Max(1024, ramMib / 10);

    private string ContainerDirectory(string id) => Path.Combine(_options.LxcPath, id);

    private string RootfsDirectory(string id) => Path.Combine(_options.PrivatePath, id);

    /// <summary>The containers in this agent's lxcpath that it made (they carry a spec).</summary>
    private IEnumerable<(string Id, ContainerSpec Spec)> OwnContainers()
    {
        foreach (var folder in Directory.EnumerateDirectories(_options.LxcPath).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(folder);
            if (Guid.TryParse(id, out _) && ContainerSpec.TryRead(folder) is { } spec)
                yield return (id, spec);
        }
    }

    private ContainerSpec Own(string instanceId) =>
        Guid.TryParse(instanceId, out _) && ContainerSpec.TryRead(ContainerDirectory(instanceId)) is { } spec
            ? spec
            : throw EngineException.NotFound(instanceId);

    private async Task<InstanceState> StateAsync(string id) =>
        _operations.Driven(id) ?? Map(await _lxc.StateAsync(id));

    private static InstanceState Map(string lxcState) => lxcState switch
    {
        "RUNNING" or "FROZEN" or "FREEZING" or "THAWED" => InstanceState.Running,
        "STARTING" => InstanceState.Starting,
        "STOPPING" => InstanceState.Stopping,
        "ABORTING" => InstanceState.Failed,
        _ => InstanceState.Stopped,
    };

    private static bool IsActive(InstanceState state) => state is InstanceState.Running or InstanceState.Starting or InstanceState.Stopping;

    private async Task<InstanceInfo> ToInfoAsync(string id, ContainerSpec spec)
    {
        var probe = await _lxc.ProbeAsync(id);
        var state = _operations.Driven(id) ?? Map(probe.State);
        var usedMib = IsActive(state) && probe.InitPid is { } pid ? ContainerCgroup.Of(pid).WorkingSetBytes() / MiB : 0;
        return new InstanceInfo(id, spec.Name, InstanceKind.Container, state, spec.MemoryMib, spec.GuaranteePercent, spec.VCpus, usedMib,
            spec.Addresses, spec.Hostname, spec.Template);
    }

    private async Task<InstanceInfo> SnapshotAsync(string id) => await ToInfoAsync(id, Own(id));

    /// <summary>The running container's cgroups, or null when it is not running.</summary>
    private async Task<ContainerCgroup?> CgroupAsync(string id) =>
        (await _lxc.ProbeAsync(id)).InitPid is { } pid ? ContainerCgroup.Of(pid) : null;

    private async Task OnMonitored(string name)
    {
        if (Guid.TryParse(name, out _) && Directory.Exists(ContainerDirectory(name)))
            _operations.Observed(name, Map(await _lxc.StateAsync(name)));
    }

    private Task<T> OperateAsync<T>(string instanceId, string? operationId, Func<Task<T>> body) =>
        _operations.RunAsync(instanceId, operationId, body);

    private static async Task<string> LxcVersionAsync()
    {
        var result = await ToolProcess.RunAsync("lxc-start", ["--version"], TimeSpan.FromSeconds(10));
        return result.Succeeded ? result.StdoutText.Trim() : "unknown";
    }
}
