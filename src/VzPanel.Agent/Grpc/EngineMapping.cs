using VzPanel.Agent.Engines;
using Proto = VzPanel.Agent.Contracts;

namespace VzPanel.Agent.Grpc;

/// <summary>Protobuf messages to engine records, for requests (and for clients that read replies back).</summary>
public static class EngineMapping
{
    public static InstanceDefinition ToEngine(this Proto.InstanceSpec spec) => new(
        spec.Id, spec.Name, spec.Kind.ToEngine(), spec.Template, spec.MemoryMib, spec.MemoryGuaranteePercent,
        spec.Vcpus, spec.DiskGib, spec.Hostname, spec.IpAddresses.ToList(), spec.CpuLimitPercent,
        string.IsNullOrEmpty(spec.RootPassword) ? null : spec.RootPassword);

    public static InstanceKind ToEngine(this Proto.InstanceKind kind) =>
        kind == Proto.InstanceKind.Vm ? InstanceKind.VirtualMachine : InstanceKind.Container;

    public static InstanceState ToEngine(this Proto.InstanceState state) => state switch
    {
        Proto.InstanceState.Starting => InstanceState.Starting,
        Proto.InstanceState.Running => InstanceState.Running,
        Proto.InstanceState.Stopping => InstanceState.Stopping,
        Proto.InstanceState.Failed => InstanceState.Failed,
        _ => InstanceState.Stopped,
    };

    public static Engines.Migration.MigrationMode ToEngine(this Proto.MigrationMode mode) => mode switch
    {
        Proto.MigrationMode.Live => Engines.Migration.MigrationMode.Live,
        Proto.MigrationMode.Cold => Engines.Migration.MigrationMode.Cold,
        Proto.MigrationMode.Offline => Engines.Migration.MigrationMode.Offline,
        _ => throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.InvalidArgument, "mode is required")),
    };

    public static EngineKind ToEngine(this Proto.Engine engine) => engine switch
    {
        Proto.Engine.Libvirt => EngineKind.Libvirt,
        Proto.Engine.Lxc => EngineKind.Lxc,
        Proto.Engine.Prlctl => EngineKind.Prlctl,
        _ => EngineKind.Sim,
    };

    public static InstanceInfo ToEngine(this Proto.InstanceStatus status) => new(
        status.Id, status.Name, status.Kind.ToEngine(), status.State.ToEngine(), status.MemoryMib, status.MemoryGuaranteePercent,
        status.Vcpus, status.MemoryUsedMib, status.IpAddresses.ToList(), status.Hostname, status.Template) { DiskGib = status.DiskGib };

    public static GuestNetworkConfig ToEngine(this Proto.GuestNetwork network) => new(
        network.Hostname,
        network.Interfaces.Select(n => new GuestInterfaceConfig(n.Name, n.Mac, n.Addresses.ToList())).ToList(),
        network.Gateway,
        network.DnsServers.ToList());

    public static NodeDescription ToEngine(this Proto.NodeInfo node) => new(
        node.Hostname, node.Engine.ToEngine(), node.CpuCount, node.RamMib, node.HostReserveMib, node.AgentVersion,
        node.Versions.ToDictionary(), node.Capabilities.ToList(), node.RamFreeMib, node.GuaranteedMib, node.CommittedMib)
    {
        Accelerator = node.Accelerator,
        Templates = node.Templates.Select(t => new TemplateDescription(t.Name, t.Kind.ToEngine(), t.Version, t.Description, t.OsFamily)).ToList(),
    };

    public static GuestInfo ToEngine(this Proto.GuestInfo g) => new(
        g.AgentResponding, g.UnavailableReason, g.OsId, g.OsName, g.OsVersion, g.KernelRelease, g.MemorySeenMib, g.MemoryAvailableMib,
        g.Tools.Select(t => new GuestTool(t.Name, t.Available, t.Reason)).ToList());

    public static InstanceCounters ToEngine(this Proto.CounterSet set) => new(
        set.InstanceId,
        set.Counters.Select(c => new CounterRow(c.Resource, c.Held, c.Maxheld, c.Barrier, c.Limit, c.Failcnt, c.Unit)).ToList(),
        set.OomKills);

    public static KsmStatistics ToEngine(this Proto.KsmStats k) =>
        new(k.Available, k.Run, k.PagesShared, k.PagesSharing, k.PagesUnshared, k.PagesVolatile, k.FullScans, k.SavedMib);

    public static StoragePoolInfo ToEngine(this Proto.StoragePool p) =>
        new(p.Name, p.Type, p.Target, p.CapacityBytes, p.AllocationBytes, p.AvailableBytes);

    public static VolumeInfo ToEngine(this Proto.Volume v) =>
        new(v.Name, v.Pool, v.InstanceId, v.Format, v.CapacityBytes, v.AllocationBytes, v.BackingVolume);

    public static ExecResult ToEngine(this Proto.ExecReply reply) =>
        new(reply.ExitCode, reply.Stdout.ToByteArray(), reply.Stderr.ToByteArray(), reply.TimedOut);

    public static EngineEvent ToEngine(this Proto.AgentEvent e) => new(
        e.At.ToDateTimeOffset(),
        e.Kind switch
        {
            Proto.AgentEventKind.Progress => EngineEventKind.Progress,
            Proto.AgentEventKind.OperationSucceeded => EngineEventKind.OperationSucceeded,
            Proto.AgentEventKind.OperationFailed => EngineEventKind.OperationFailed,
            _ => EngineEventKind.StateChanged,
        },
        e.InstanceId,
        string.IsNullOrEmpty(e.OperationId) ? null : e.OperationId,
        e.ProgressPercent,
        e.Message,
        e.State == Proto.InstanceState.Unspecified ? null : e.State.ToEngine());
}
