using Google.Protobuf.WellKnownTypes;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.GuestTools;
using VzPanel.Core.Features.Storage;
using CoreKind = VzPanel.Core.Features.Instances.InstanceKind;
using CoreMode = VzPanel.Core.Features.Migration.MigrationMode;
using CoreState = VzPanel.Core.Features.Instances.InstanceState;
using Proto = VzPanel.Agent.Contracts;

namespace VzPanel.Core.Features.Nodes.Agents.Grpc;

/// <summary>The one place where the agent protocol's messages become the panel's records and back.</summary>
internal static class ProtoConvert
{
    public static InstanceOnNode? ToInstance(Proto.InstanceStatus? s) => s is null ? null : new(
        Guid.Parse(s.Id), s.Name, s.Kind == Proto.InstanceKind.Vm ? CoreKind.Vm : CoreKind.Ct, ToState(s.State),
        s.MemoryMib, s.MemoryGuaranteePercent, s.Vcpus, s.MemoryUsedMib, s.DiskGib);

    private static CoreState ToState(Proto.InstanceState state) => state switch
    {
        Proto.InstanceState.Running => CoreState.Running,
        Proto.InstanceState.Stopped => CoreState.Stopped,
        Proto.InstanceState.Starting => CoreState.Starting,
        Proto.InstanceState.Stopping => CoreState.Stopping,
        Proto.InstanceState.Failed => CoreState.Failed,
        _ => CoreState.Unknown,
    };

    public static Proto.InstanceSpec ToSpec(NodeInstanceSpec spec, string? rootPassword = null)
    {
        var proto = new Proto.InstanceSpec
        {
            Id = spec.Id.ToString(), Name = spec.Name, Kind = spec.Kind == CoreKind.Vm ? Proto.InstanceKind.Vm : Proto.InstanceKind.Ct,
            Template = spec.Template ?? "", MemoryMib = spec.MemoryMiB, MemoryGuaranteePercent = spec.MemoryGuaranteePercent, Vcpus = spec.VCpus,
            CpuLimitPercent = spec.CpuLimitPercent ?? 0, Hostname = spec.Hostname ?? "", DiskGib = spec.DiskGiB,
        };
        proto.IpAddresses.AddRange(spec.IpAddresses);
        if (!string.IsNullOrEmpty(rootPassword)) proto.RootPassword = rootPassword;
        return proto;
    }

    public static Proto.MigrationMode ToProto(CoreMode mode) => mode switch
    {
        CoreMode.Live => Proto.MigrationMode.Live,
        CoreMode.Cold => Proto.MigrationMode.Cold,
        _ => Proto.MigrationMode.Offline,
    };

    public static MigrationTicket ToTicket(Proto.MigrationTarget t) => new(
        t.OperationId, Guid.TryParse(t.NodeId, out var node) ? node : Guid.Empty, t.Address, t.Ticket,
        t.Engine.ToDictionary(e => e.Key, e => e.Value), t.ExpiresAt?.ToDateTimeOffset());

    public static Proto.MigrationTarget ToProto(MigrationTicket t)
    {
        var target = new Proto.MigrationTarget { OperationId = t.OperationId, NodeId = t.NodeId.ToString(), Address = t.Address, Ticket = t.Ticket };
        foreach (var (key, value) in t.Engine) target.Engine[key] = value;
        if (t.ExpiresAt is { } expires) target.ExpiresAt = Timestamp.FromDateTimeOffset(expires);
        return target;
    }

    public static MigrationProgressFigures ToProgress(Proto.MigrationProgress p) =>
        new(p.Active, p.Phase, p.TotalBytes, p.TransferredBytes, p.RemainingBytes, p.DirtyBytesPerSecond);

    public static CounterFigures ToCounters(Proto.CounterSet set) =>
        new([.. set.Counters.Select(c => new CounterView(c.Resource, c.Held, c.Maxheld, c.Barrier, c.Limit, c.Failcnt, c.Unit))], set.OomKills);

    public static GuestInfoView ToGuestInfo(Proto.GuestInfo g) => new(
        g.AgentResponding, Text(g.UnavailableReason), Text(g.OsId), Text(g.OsName), Text(g.OsVersion), Text(g.KernelRelease),
        g.MemorySeenMib, g.MemoryAvailableMib, [.. g.Tools.Select(t => new GuestToolView(t.Name, t.Available, Text(t.Reason)))]);

    public static KsmFigures ToKsm(Proto.KsmStats k) =>
        new(k.Available, k.Run == 1, k.PagesShared, k.PagesSharing, k.PagesUnshared, k.PagesVolatile, k.FullScans, k.SavedMib);

    public static StoragePoolFigures ToPool(Proto.StoragePool p) =>
        new(p.Name, p.Type, p.Target, p.CapacityBytes, p.AllocationBytes, p.AvailableBytes);

    public static VolumeFigures ToVolume(Proto.Volume v) => new(v.Name, v.Pool, v.Format, v.CapacityBytes, v.AllocationBytes);

    private static string? Text(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
