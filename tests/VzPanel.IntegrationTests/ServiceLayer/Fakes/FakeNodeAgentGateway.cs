using VzPanel.Core.Common;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.GuestTools;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Nodes.Heartbeats;
using VzPanel.Core.Features.Storage;

namespace VzPanel.IntegrationTests.ServiceLayer.Fakes;

/// <summary>The agent calls the fake knows; faults and holds are set per method.</summary>
public enum AgentMethod
{
    FindInstance, GetCounters, GetGuestInfo, GetKsm, ListStoragePools, ReadStorage,
    Create, Start, Stop, Restart, Delete, SetMemory, SetMemoryGuarantee, SetVCpus, ResizeDisk,
    PrepareMigrationTarget, Migrate, GetMigrationProgress, CancelMigration, CompleteMigrationTarget, AbortMigrationTarget,
}

/// <summary>One call the core made. <paramref name="Applied"/>: the node acted (not a journal answer, a look or a fault).</summary>
public sealed record AgentCall(AgentMethod Method, Guid NodeId, Guid? InstanceId, string? OperationId, bool Applied, string? Detail = null);

/// <summary>
/// Stands in for every node's agent behind <see cref="INodeAgentGateway"/>, the one seam the core talks to nodes through.
/// It keeps what each node has (instances, volumes, a migration received), answers changes like an agent does (its journal
/// recognises an operation id it already carried out; a refusal changes nothing) and, like the real gateway, asks
/// <see cref="AgentChange.AlreadyDone"/> before acting when told to look first. Tests tell it to fail, to stay silent
/// (the gateway's retry window ran out), to act and lose its reply, to crash the job right after acting, to hold a call
/// until released, or to forget an instance (the node no longer has it). Every call is recorded.
/// </summary>
public sealed class FakeNodeAgentGateway : INodeAgentGateway
{
    public const string DefaultPool = "default";

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, FakeNode> _nodes = [];
    private readonly Dictionary<string, object> _journal = [];
    private readonly List<AgentCall> _calls = [];
    private readonly List<Fault> _faults = [];
    private readonly Dictionary<AgentMethod, HeldCall> _holds = [];
    private readonly Dictionary<AgentMethod, HeldCall> _waiting = [];
    private readonly HashSet<Guid> _unreachable = [];

    /// <summary>Set by the host while it runs a job: a crash fault cancels it, as a panel that died would stop its job.</summary>
    internal CancellationTokenSource? RunningJob { get; set; }

    /// <summary>What the source reports while a transfer runs (read by the migration job's progress watch).</summary>
    public MigrationProgressFigures TransferProgress { get; set; } = new(true, "memory", 2L << 30, 1L << 30, 1L << 30, 0);

    public IReadOnlyList<AgentCall> Calls
    {
        get { lock (_gate) return [.. _calls]; }
    }

    public IReadOnlyList<AgentCall> CallsOf(AgentMethod method) => [.. Calls.Where(c => c.Method == method)];

    /// <summary>How often the node really carried out <paramref name="method"/> (journal answers and looks not counted).</summary>
    public int Applied(AgentMethod method, Guid? instanceId = null) =>
        Calls.Count(c => c.Method == method && c.Applied && (instanceId is null || c.InstanceId == instanceId));

    public void ClearCalls()
    {
        lock (_gate) _calls.Clear();
    }

    // ---- what the nodes have ----

    /// <summary>Puts an instance on a node as its agent would report it (what the inventory seeded says it runs).</summary>
    public InstanceOnNode Has(Guid nodeId, Instance instance, InstanceState? state = null, long memoryUsedMiB = 0)
    {
        var onNode = new InstanceOnNode(instance.Id, instance.Name, instance.Kind, state ?? instance.State, instance.MemoryMiB,
            instance.MemoryGuaranteePercent, instance.VCpus, memoryUsedMiB, instance.Kind == InstanceKind.Vm ? instance.DiskGiB : 0);
        lock (_gate)
        {
            var node = Node(nodeId);
            node.Instances[instance.Id] = onNode;
            if (instance.Kind == InstanceKind.Vm) node.SetVolume(instance.Id, instance.DiskGiB);
        }
        return onNode;
    }

    /// <summary>The node no longer has the instance (deleted behind the panel's back): changes answer node_missing.</summary>
    public void Forget(Guid nodeId, Guid instanceId)
    {
        lock (_gate) Node(nodeId).Instances.Remove(instanceId);
    }

    public InstanceOnNode? InstanceOn(Guid nodeId, Guid instanceId)
    {
        lock (_gate) return Node(nodeId).Instances.GetValueOrDefault(instanceId);
    }

    public IReadOnlyList<VolumeFigures> VolumesOn(Guid nodeId, Guid instanceId)
    {
        lock (_gate) return [.. Node(nodeId).Volumes.Where(v => v.InstanceId == instanceId).Select(v => v.Figures)];
    }

    /// <summary>Whether the node holds a migration it prepared or received and has not completed or aborted.</summary>
    public bool HoldsIncoming(Guid nodeId, Guid instanceId)
    {
        lock (_gate) return Node(nodeId).Incoming.ContainsKey(instanceId);
    }

    /// <summary>Changes the instance on the node as if someone acted there directly (drift).</summary>
    public void Alter(Guid nodeId, Guid instanceId, Func<InstanceOnNode, InstanceOnNode> change)
    {
        lock (_gate)
        {
            var node = Node(nodeId);
            node.Instances[instanceId] = change(node.Instances[instanceId]);
        }
    }

    /// <summary>A node's heartbeat as its agent would send it now.</summary>
    public HeartbeatReport HeartbeatOf(Guid nodeId, DateTimeOffset sentAt, long ramMiB = 16384, int cpus = 8)
    {
        lock (_gate)
        {
            var instances = Node(nodeId).Instances.Values.Select(i => new ReportedInstance(i.Id, i.Name, i.Kind, i.State, i.MemoryMiB, i.VCpus)).ToList();
            return new HeartbeatReport(new Core.Features.Nodes.Enrollment.ReportedNode(Core.Features.Nodes.EngineKind.Sim, cpus, ramMiB, 1024, ramMiB / 2, "fake-1.0"),
                instances, null, sentAt);
        }
    }

    // ---- faults ----

    /// <summary>The next <paramref name="times"/> calls of <paramref name="method"/> fail with <paramref name="error"/>; the node changes nothing.</summary>
    public void Fail(AgentMethod method, Error error, Guid? nodeId = null, int times = 1) => AddFault(new Fault(method, nodeId, FaultKind.Fail, times, error));

    public void Refuse(AgentMethod method, string why, Guid? nodeId = null) => Fail(method, new Error(ErrorCodes.NodeRefused, $"node: {why}"), nodeId);

    /// <summary>The next call of <paramref name="method"/> answers node_missing (the node says it has no such instance).</summary>
    public void ReportMissing(AgentMethod method, Guid? nodeId = null) =>
        Fail(method, new Error(ErrorCodes.NodeMissing, "node: instance not found"), nodeId);

    /// <summary>The node stays away for the whole retry window: the gateway gives up with unavailable, nothing changed.</summary>
    public void TimeOut(AgentMethod method, Guid? nodeId = null, int times = 1) =>
        Fail(method, Error.Unavailable("node did not answer: Deadline Exceeded. Gave up after retrying for the configured window."), nodeId, times);

    /// <summary>The node acts, then its reply is lost and it stays away for the retry window: unavailable, though done.</summary>
    public void LoseReply(AgentMethod method, Guid? nodeId = null) => AddFault(new Fault(method, nodeId, FaultKind.LoseReply, 1, null));

    /// <summary>The node acts and the panel dies right after: the running job is cancelled before it records anything.</summary>
    public void CrashAfter(AgentMethod method, Guid? nodeId = null) => AddFault(new Fault(method, nodeId, FaultKind.Crash, 1, null));

    /// <summary>Every call to the node, reads too, goes unanswered until <see cref="Reachable"/>.</summary>
    public void Unreachable(Guid nodeId)
    {
        lock (_gate) _unreachable.Add(nodeId);
    }

    public void Reachable(Guid nodeId)
    {
        lock (_gate) _unreachable.Remove(nodeId);
    }

    /// <summary>The next call of <paramref name="method"/> waits, before acting, until the test releases it.</summary>
    public HeldCall Hold(AgentMethod method)
    {
        var held = new HeldCall();
        lock (_gate) _holds[method] = held;
        return held;
    }

    // ---- reads ----

    public Task<Result<InstanceOnNode?>> FindInstanceAsync(AgentNode node, Guid instanceId, CancellationToken ct) =>
        Task.FromResult(Read<InstanceOnNode?>(AgentMethod.FindInstance, node, instanceId, n => n.Instances.GetValueOrDefault(instanceId)));

    public Task<Result<CounterFigures>> GetCountersAsync(AgentNode node, Guid instanceId, CancellationToken ct) =>
        Task.FromResult(Read(AgentMethod.GetCounters, node, instanceId, n => n.Instances.ContainsKey(instanceId)
            ? new CounterFigures([new CounterView("physpages", 1000, 1200, 0, long.MaxValue, 0, "pages")], 0)
            : new Result<CounterFigures>(null, Missing(node, instanceId))));

    public Task<Result<GuestInfoView>> GetGuestInfoAsync(AgentNode node, Guid instanceId, CancellationToken ct) =>
        Task.FromResult(Read(AgentMethod.GetGuestInfo, node, instanceId, n => n.Instances.ContainsKey(instanceId)
            ? GuestInfoView.Silent("the fake node has no guest agent")
            : new Result<GuestInfoView>(null, Missing(node, instanceId))));

    public Task<Result<KsmFigures>> GetKsmAsync(AgentNode node, CancellationToken ct) =>
        Task.FromResult(Read(AgentMethod.GetKsm, node, null, _ => new Result<KsmFigures>(new KsmFigures(true, true, 100, 400, 50, 10, 3, 1), null)));

    public Task<Result<IReadOnlyList<StoragePoolFigures>>> ListStoragePoolsAsync(AgentNode node, CancellationToken ct) =>
        Task.FromResult(Read<IReadOnlyList<StoragePoolFigures>>(AgentMethod.ListStoragePools, node, null, n => new[] { n.Pool }));

    public Task<Result<NodeStorage>> ReadStorageAsync(AgentNode node, Guid instanceId, CancellationToken ct) =>
        Task.FromResult(Read(AgentMethod.ReadStorage, node, instanceId, n => new Result<NodeStorage>(
            new NodeStorage([n.Pool], [.. n.Volumes.Where(v => v.InstanceId == instanceId && v.Figures.CapacityBytes > 0).Select(v => v.Figures)]), null)));

    // ---- changes ----

    public Task<Result<InstanceOnNode?>> CreateAsync(AgentNode node, AgentChange change, NodeInstanceSpec spec, string? rootPassword, CancellationToken ct) =>
        ChangeAsync<InstanceOnNode?>(AgentMethod.Create, node, change, spec.Id, n =>
        {
            if (n.Instances.ContainsKey(spec.Id)) return Refused(node, $"{spec.Name} already exists");
            var created = new InstanceOnNode(spec.Id, spec.Name, spec.Kind, InstanceState.Stopped, spec.MemoryMiB, spec.MemoryGuaranteePercent, spec.VCpus, 0,
                spec.Kind == InstanceKind.Vm ? spec.DiskGiB : 0);
            n.Instances[spec.Id] = created;
            n.SetVolume(spec.Id, spec.Kind == InstanceKind.Vm ? spec.DiskGiB : 0);
            return created;
        }, ct, detail: rootPassword is null ? null : "with a root password");

    public Task<Result<InstanceOnNode?>> StartAsync(AgentNode node, AgentChange change, Guid instanceId, CancellationToken ct) =>
        ChangeInstanceAsync(AgentMethod.Start, node, change, instanceId, i => i with { State = InstanceState.Running }, ct);

    public Task<Result<InstanceOnNode?>> StopAsync(AgentNode node, AgentChange change, Guid instanceId, bool force, int timeoutSeconds, CancellationToken ct) =>
        ChangeInstanceAsync(AgentMethod.Stop, node, change, instanceId, i => i with { State = InstanceState.Stopped }, ct,
            detail: $"force={force} timeout={timeoutSeconds}");

    public Task<Result<InstanceOnNode?>> RestartAsync(AgentNode node, AgentChange change, Guid instanceId, CancellationToken ct) =>
        ChangeInstanceAsync(AgentMethod.Restart, node, change, instanceId, i => i.State == InstanceState.Running ? i : null, ct);

    public Task<Result<InstanceOnNode?>> DeleteAsync(AgentNode node, AgentChange change, Guid instanceId, bool keepVolumes, CancellationToken ct) =>
        ChangeAsync<InstanceOnNode?>(AgentMethod.Delete, node, change, instanceId, n =>
        {
            if (!n.Instances.Remove(instanceId)) return Missing(node, instanceId);
            if (!keepVolumes) n.Volumes.RemoveAll(v => v.InstanceId == instanceId);
            return new Result<InstanceOnNode?>(null, null);
        }, ct, detail: $"keepVolumes={keepVolumes}");

    public Task<Result<InstanceOnNode?>> SetMemoryAsync(AgentNode node, AgentChange change, Guid instanceId, long memoryMiB, CancellationToken ct) =>
        ChangeInstanceAsync(AgentMethod.SetMemory, node, change, instanceId, i => i with { MemoryMiB = memoryMiB }, ct, detail: $"{memoryMiB}");

    public Task<Result<InstanceOnNode?>> SetMemoryGuaranteeAsync(AgentNode node, AgentChange change, Guid instanceId, int percent, CancellationToken ct) =>
        ChangeInstanceAsync(AgentMethod.SetMemoryGuarantee, node, change, instanceId, i => i with { MemoryGuaranteePercent = percent }, ct, detail: $"{percent}");

    public Task<Result<InstanceOnNode?>> SetVCpusAsync(AgentNode node, AgentChange change, Guid instanceId, int vcpus, CancellationToken ct) =>
        ChangeInstanceAsync(AgentMethod.SetVCpus, node, change, instanceId, i => i with { VCpus = vcpus }, ct, detail: $"{vcpus}");

    public Task<Result<InstanceOnNode?>> ResizeDiskAsync(AgentNode node, AgentChange change, Guid instanceId, long diskGiB, CancellationToken ct) =>
        ChangeAsync<InstanceOnNode?>(AgentMethod.ResizeDisk, node, change, instanceId, n =>
        {
            if (!n.Instances.TryGetValue(instanceId, out var i)) return Missing(node, instanceId);
            if (diskGiB < i.DiskGiB) return Refused(node, "disks only grow");
            n.SetVolume(instanceId, diskGiB);
            return n.Instances[instanceId] = i with { DiskGiB = diskGiB };
        }, ct, detail: $"{diskGiB}");

    // ---- migration ----

    public Task<Result<MigrationTicket>> PrepareMigrationTargetAsync(AgentNode target, AgentChange change, NodeInstanceSpec spec, MigrationMode mode,
        CancellationToken ct) =>
        ChangeAsync<MigrationTicket>(AgentMethod.PrepareMigrationTarget, target, change, spec.Id, n =>
        {
            if (n.Instances.ContainsKey(spec.Id)) return new Result<MigrationTicket>(null, new Error(ErrorCodes.NodeRefused, $"node {target.Name}: already has {spec.Name}"));
            n.Incoming[spec.Id] = null;
            return new MigrationTicket(change.OperationId, target.Id, target.Address, $"ticket-{change.OperationId}", new Dictionary<string, string>(), null);
        }, ct, detail: mode.ToString());

    public Task<Result<MigrationOutcome>> MigrateAsync(AgentNode source, AgentChange change, MigrationTransfer transfer, CancellationToken ct) =>
        ChangeAsync<MigrationOutcome>(AgentMethod.Migrate, source, change, transfer.InstanceId, n =>
        {
            if (!n.Instances.TryGetValue(transfer.InstanceId, out var sent)) return new Result<MigrationOutcome>(null, Missing(source, transfer.InstanceId));
            if (!_nodes.TryGetValue(transfer.Target.NodeId, out var target) || !target.Incoming.ContainsKey(transfer.InstanceId))
                return new Result<MigrationOutcome>(null, new Error(ErrorCodes.NodeFailed, $"node {source.Name}: the target was not prepared"));
            target.Incoming[transfer.InstanceId] = sent;
            if (n.Volumes.FindIndex(v => v.InstanceId == transfer.InstanceId) is var disk and >= 0)
                target.SetVolume(transfer.InstanceId, n.Volumes[disk].Figures.CapacityBytes >> 30);
            // The source keeps a stopped copy until the job deletes it.
            n.Instances[transfer.InstanceId] = sent with { State = InstanceState.Stopped };
            return new MigrationOutcome((sent.MemoryMiB << 20) + (64L << 20), 42, 1500);
        }, ct, detail: transfer.Mode.ToString());

    public Task<Result<MigrationProgressFigures>> GetMigrationProgressAsync(AgentNode source, Guid instanceId, CancellationToken ct) =>
        Task.FromResult(Read(AgentMethod.GetMigrationProgress, source, instanceId, _ => new Result<MigrationProgressFigures>(TransferProgress, null)));

    public Task<Result<MigrationProgressFigures>> CancelMigrationAsync(AgentNode source, Guid instanceId, CancellationToken ct)
    {
        HeldCall? transfer;
        lock (_gate) transfer = _waiting.GetValueOrDefault(AgentMethod.Migrate);
        var result = Read(AgentMethod.CancelMigration, source, instanceId, _ => new Result<MigrationProgressFigures>(
            (transfer?.IsWaiting == true ? TransferProgress : TransferProgress with { Active = false }), null));
        if (result.IsSuccess && result.Value!.Active) transfer!.Cancel(new Error(ErrorCodes.NodeFailed, $"node {source.Name}: migration cancelled"));
        return Task.FromResult(result);
    }

    public Task<Result<InstanceOnNode?>> CompleteMigrationTargetAsync(AgentNode target, AgentChange change, Guid instanceId, bool start, CancellationToken ct) =>
        ChangeAsync<InstanceOnNode?>(AgentMethod.CompleteMigrationTarget, target, change, instanceId, n =>
        {
            if (!n.Incoming.TryGetValue(instanceId, out var received) || received is null) return Missing(target, instanceId);
            n.Incoming.Remove(instanceId);
            return n.Instances[instanceId] = received with { State = start ? InstanceState.Running : InstanceState.Stopped };
        }, ct, detail: $"start={start}");

    public Task<Result<InstanceOnNode?>> AbortMigrationTargetAsync(AgentNode target, AgentChange change, Guid instanceId, CancellationToken ct) =>
        ChangeAsync<InstanceOnNode?>(AgentMethod.AbortMigrationTarget, target, change, instanceId, n =>
        {
            if (n.Incoming.Remove(instanceId)) n.Volumes.RemoveAll(v => v.InstanceId == instanceId);
            return new Result<InstanceOnNode?>(null, null);
        }, ct);

    // ---- the machinery ----

    private Task<Result<InstanceOnNode?>> ChangeInstanceAsync(AgentMethod method, AgentNode node, AgentChange change, Guid instanceId,
        Func<InstanceOnNode, InstanceOnNode?> apply, CancellationToken ct, string? detail = null) =>
        ChangeAsync<InstanceOnNode?>(method, node, change, instanceId, n =>
        {
            if (!n.Instances.TryGetValue(instanceId, out var before)) return Missing(node, instanceId);
            if (apply(before) is not { } after) return Refused(node, $"{before.Name} is {before.State.ToString().ToLowerInvariant()}");
            return n.Instances[instanceId] = after;
        }, ct, detail);

    /// <summary>What an agent and the gateway around it do with one change: fault, look first, journal, act.</summary>
    private async Task<Result<T>> ChangeAsync<T>(AgentMethod method, AgentNode node, AgentChange change, Guid instanceId, Func<FakeNode, Result<T>> act,
        CancellationToken ct, string? detail = null)
    {
        HeldCall? held;
        lock (_gate)
        {
            _holds.Remove(method, out held);
            if (held is not null) _waiting[method] = held;
        }
        if (held is not null)
        {
            var cancelled = await held.WaitAsync(ct);
            lock (_gate)
            {
                _waiting.Remove(method);
                if (cancelled is not null)
                {
                    Record(method, node, instanceId, change.OperationId, applied: false, "cancelled while held");
                    return new Result<T>(default, cancelled);
                }
            }
        }

        Fault? fault;
        Result<T> result;
        lock (_gate)
        {
            if (_unreachable.Contains(node.Id))
            {
                Record(method, node, instanceId, change.OperationId, applied: false, "unreachable");
                return new Result<T>(default, Error.Unavailable($"node {node.Name} did not answer: Unavailable. Gave up after retrying for the configured window."));
            }
            fault = TakeFault(method, node.Id);
            if (fault is { Kind: FaultKind.Fail })
            {
                Record(method, node, instanceId, change.OperationId, applied: false, fault.Error!.Code);
                return new Result<T>(default, fault.Error);
            }
            var fakeNode = Node(node.Id);
            if (change.LookFirst && change.AlreadyDone is { } done && typeof(T) == typeof(InstanceOnNode)
                && fakeNode.Instances.GetValueOrDefault(instanceId) is var now && done(now))
            {
                Record(method, node, instanceId, change.OperationId, applied: false, "already done");
                return new Result<T>((T?)(object?)now, null);
            }
            if (_journal.TryGetValue(change.OperationId, out var journaled))
            {
                Record(method, node, instanceId, change.OperationId, applied: false, "journal");
                return (Result<T>)journaled;
            }
            result = act(fakeNode);
            if (result.IsSuccess) _journal[change.OperationId] = result;
            Record(method, node, instanceId, change.OperationId, applied: result.IsSuccess, result.Error?.Code ?? detail);
        }
        if (fault is { Kind: FaultKind.LoseReply } && result.IsSuccess)
            return new Result<T>(default, Error.Unavailable($"node {node.Name} did not answer: Deadline Exceeded. Gave up after retrying for the configured window."));
        if (fault is { Kind: FaultKind.Crash } && RunningJob is { } job)
        {
            await job.CancelAsync();
            job.Token.ThrowIfCancellationRequested();
        }
        return result;
    }

    private Result<T> Read<T>(AgentMethod method, AgentNode node, Guid? instanceId, Func<FakeNode, Result<T>> read)
    {
        lock (_gate)
        {
            if (_unreachable.Contains(node.Id))
            {
                Record(method, node, instanceId, null, applied: false, "unreachable");
                return new Result<T>(default, Error.Unavailable($"Node {node.Name} did not answer: Unavailable."));
            }
            if (TakeFault(method, node.Id) is { } fault)
            {
                Record(method, node, instanceId, null, applied: false, fault.Error?.Code);
                return new Result<T>(default, fault.Error ?? Error.Unavailable($"Node {node.Name} did not answer."));
            }
            var result = read(Node(node.Id));
            Record(method, node, instanceId, null, applied: false, result.Error?.Code);
            return result;
        }
    }

    private void AddFault(Fault fault)
    {
        lock (_gate) _faults.Add(fault);
    }

    private Fault? TakeFault(AgentMethod method, Guid nodeId)
    {
        var index = _faults.FindIndex(f => f.Method == method && (f.NodeId is null || f.NodeId == nodeId));
        if (index < 0) return null;
        var fault = _faults[index];
        if (fault.Times <= 1) _faults.RemoveAt(index);
        else _faults[index] = fault with { Times = fault.Times - 1 };
        return fault;
    }

    private void Record(AgentMethod method, AgentNode node, Guid? instanceId, string? operationId, bool applied, string? detail) =>
        _calls.Add(new AgentCall(method, node.Id, instanceId, operationId, applied, detail));

    private FakeNode Node(Guid nodeId)
    {
        if (!_nodes.TryGetValue(nodeId, out var node)) _nodes[nodeId] = node = new FakeNode();
        return node;
    }

    private static Error Missing(AgentNode node, Guid instanceId) => new(ErrorCodes.NodeMissing, $"node {node.Name}: instance {instanceId} not found");

    private static Error Refused(AgentNode node, string why) => new(ErrorCodes.NodeRefused, $"node {node.Name}: {why}");

    private enum FaultKind { Fail, LoseReply, Crash }

    private sealed record Fault(AgentMethod Method, Guid? NodeId, FaultKind Kind, int Times, Error? Error);

    private sealed class FakeNode
    {
        public Dictionary<Guid, InstanceOnNode> Instances { get; } = [];

        /// <summary>Migrations this node prepared for (null) or received (the instance as sent), not yet completed.</summary>
        public Dictionary<Guid, InstanceOnNode?> Incoming { get; } = [];

        public List<(Guid InstanceId, VolumeFigures Figures)> Volumes { get; } = [];

        public StoragePoolFigures Pool { get; } = new(DefaultPool, "dir", "/var/lib/vzpanel/images", 500L << 30, 20L << 30, 480L << 30);

        /// <summary>A VM's QCOW2 image of <paramref name="diskGiB"/>; a container's folder (no size of its own) for 0.</summary>
        public void SetVolume(Guid instanceId, long diskGiB)
        {
            Volumes.RemoveAll(v => v.InstanceId == instanceId);
            Volumes.Add((instanceId, diskGiB > 0
                ? new VolumeFigures($"{instanceId}.qcow2", DefaultPool, "qcow2", diskGiB << 30, 300L << 20)
                : new VolumeFigures(instanceId.ToString(), DefaultPool, "dir", 0, 0)));
        }
    }
}

/// <summary>A call held before it acts, until the test releases it (or the migration is cancelled).</summary>
public sealed class HeldCall
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Error?> _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the core made the call and it waits.</summary>
    public Task Reached => _reached.Task;

    public bool IsWaiting => _reached.Task.IsCompleted && !_released.Task.IsCompleted;

    public void Release() => _released.TrySetResult(null);

    /// <summary>The held call fails with <paramref name="error"/> without acting.</summary>
    public void Cancel(Error error) => _released.TrySetResult(error);

    internal async Task<Error?> WaitAsync(CancellationToken ct)
    {
        _reached.TrySetResult();
        return await _released.Task.WaitAsync(ct);
    }
}
