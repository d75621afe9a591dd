using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using VzPanel.Agent.Engines;
using Proto = VzPanel.Agent.Contracts;

namespace VzPanel.Agent.Grpc;

/// <summary>Engine records to protobuf messages, for replies.</summary>
public static class ProtoMapping
{
    public static Proto.NodeInfo ToProto(this NodeDescription node)
    {
        var info = new Proto.NodeInfo
        {
            Hostname = node.Hostname,
            Engine = node.Engine.ToProto(),
            CpuCount = node.CpuCount,
            RamMib = node.RamMib,
            HostReserveMib = node.HostReserveMib,
            AgentVersion = node.AgentVersion,
            RamFreeMib = node.RamFreeMib,
            GuaranteedMib = node.GuaranteedMib,
            CommittedMib = node.CommittedMib,
        };
        foreach (var (component, version) in node.Versions)
            info.Versions[component] = version;
        info.Capabilities.Add(node.Capabilities);
        info.Accelerator = node.Accelerator;
        info.Templates.Add(node.Templates.Select(t => new Proto.TemplateInfo
        {
            Name = t.Name, Kind = t.Kind.ToProto(), Version = t.Version, Description = t.Description, OsFamily = t.OsFamily,
        }));
        return info;
    }

    public static Proto.GuestInfo ToProto(this GuestInfo guest)
    {
        var info = new Proto.GuestInfo
        {
            AgentResponding = guest.AgentResponding,
            UnavailableReason = guest.UnavailableReason,
            OsId = guest.OsId,
            OsName = guest.OsName,
            OsVersion = guest.OsVersion,
            KernelRelease = guest.KernelRelease,
            MemorySeenMib = guest.MemorySeenMib,
            MemoryAvailableMib = guest.MemoryAvailableMib,
        };
        info.Tools.Add(guest.Tools.Select(t => new Proto.GuestTool { Name = t.Name, Available = t.Available, Reason = t.Reason }));
        return info;
    }

    public static Proto.Engine ToProto(this EngineKind kind) => kind switch
    {
        EngineKind.Sim => Proto.Engine.Sim,
        EngineKind.Libvirt => Proto.Engine.Libvirt,
        EngineKind.Lxc => Proto.Engine.Lxc,
        EngineKind.Prlctl => Proto.Engine.Prlctl,
        _ => Proto.Engine.Unspecified,
    };

    public static Proto.MigrationMode ToProto(this Engines.Migration.MigrationMode mode) => mode switch
    {
        Engines.Migration.MigrationMode.Live => Proto.MigrationMode.Live,
        Engines.Migration.MigrationMode.Cold => Proto.MigrationMode.Cold,
        _ => Proto.MigrationMode.Offline,
    };

    /// <summary>Null (no transfer running here) becomes <c>active = false</c>.</summary>
    public static Proto.MigrationProgress ToProto(this Engines.Migration.MigrationProgress? progress) => progress is null
        ? new Proto.MigrationProgress { Active = false }
        : new Proto.MigrationProgress
        {
            Active = true, Phase = progress.Phase, TotalBytes = progress.TotalBytes, TransferredBytes = progress.TransferredBytes,
            RemainingBytes = progress.RemainingBytes, DirtyBytesPerSecond = progress.DirtyBytesPerSecond,
        };

    public static Proto.InstanceKind ToProto(this InstanceKind kind) =>
        kind == InstanceKind.VirtualMachine ? Proto.InstanceKind.Vm : Proto.InstanceKind.Ct;

    public static Proto.InstanceState ToProto(this InstanceState state) => state switch
    {
        InstanceState.Stopped => Proto.InstanceState.Stopped,
        InstanceState.Starting => Proto.InstanceState.Starting,
        InstanceState.Running => Proto.InstanceState.Running,
        InstanceState.Stopping => Proto.InstanceState.Stopping,
        InstanceState.Failed => Proto.InstanceState.Failed,
        _ => Proto.InstanceState.Unspecified,
    };

    public static Proto.InstanceStatus ToProto(this InstanceInfo instance)
    {
        var status = new Proto.InstanceStatus
        {
            Id = instance.Id,
            Name = instance.Name,
            Kind = instance.Kind.ToProto(),
            State = instance.State.ToProto(),
            MemoryMib = instance.MemoryMib,
            MemoryGuaranteePercent = instance.MemoryGuaranteePercent,
            Vcpus = instance.VCpus,
            MemoryUsedMib = instance.MemoryUsedMib,
            Hostname = instance.Hostname,
            Template = instance.Template,
            DiskGib = instance.DiskGib,
        };
        status.IpAddresses.Add(instance.IpAddresses);
        return status;
    }

    public static Proto.ExecReply ToProto(this ExecResult result) => new()
    {
        ExitCode = result.ExitCode,
        Stdout = ByteString.CopyFrom(result.Stdout),
        Stderr = ByteString.CopyFrom(result.Stderr),
        TimedOut = result.TimedOut,
    };

    public static Proto.GuestNetwork ToProto(this GuestNetworkConfig network)
    {
        var proto = new Proto.GuestNetwork { Hostname = network.Hostname, Gateway = network.Gateway };
        proto.DnsServers.Add(network.DnsServers);
        foreach (var nic in network.Interfaces)
        {
            var protoNic = new Proto.GuestInterface { Name = nic.Name, Mac = nic.Mac };
            protoNic.Addresses.Add(nic.Addresses);
            proto.Interfaces.Add(protoNic);
        }
        return proto;
    }

    public static Proto.CounterSet ToProto(this InstanceCounters counters)
    {
        var set = new Proto.CounterSet { InstanceId = counters.InstanceId, OomKills = counters.OomKills };
        set.Counters.Add(counters.Counters.Select(c => new Proto.Counter
        {
            Resource = c.Resource, Held = c.Held, Maxheld = c.MaxHeld, Barrier = c.Barrier, Limit = c.Limit, Failcnt = c.FailCount, Unit = c.Unit,
        }));
        return set;
    }

    public static Proto.KsmStats ToProto(this KsmStatistics ksm) => new()
    {
        Available = ksm.Available, Run = ksm.Run, PagesShared = ksm.PagesShared, PagesSharing = ksm.PagesSharing,
        PagesUnshared = ksm.PagesUnshared, PagesVolatile = ksm.PagesVolatile, FullScans = ksm.FullScans, SavedMib = ksm.SavedMib,
    };

    public static Proto.StoragePool ToProto(this StoragePoolInfo pool) => new()
    {
        Name = pool.Name, Type = pool.Type, Target = pool.Target,
        CapacityBytes = pool.CapacityBytes, AllocationBytes = pool.AllocationBytes, AvailableBytes = pool.AvailableBytes,
    };

    public static Proto.Volume ToProto(this VolumeInfo volume) => new()
    {
        Name = volume.Name, Pool = volume.Pool, InstanceId = volume.InstanceId, Format = volume.Format,
        CapacityBytes = volume.CapacityBytes, AllocationBytes = volume.AllocationBytes, BackingVolume = volume.BackingVolume,
    };

    public static Proto.AgentEvent ToProto(this EngineEvent engineEvent) => new()
    {
        At = Timestamp.FromDateTimeOffset(engineEvent.At),
        Kind = engineEvent.Kind switch
        {
            EngineEventKind.Progress => Proto.AgentEventKind.Progress,
            EngineEventKind.StateChanged => Proto.AgentEventKind.StateChanged,
            EngineEventKind.OperationSucceeded => Proto.AgentEventKind.OperationSucceeded,
            EngineEventKind.OperationFailed => Proto.AgentEventKind.OperationFailed,
            _ => Proto.AgentEventKind.Unspecified,
        },
        InstanceId = engineEvent.InstanceId,
        OperationId = engineEvent.OperationId ?? "",
        ProgressPercent = engineEvent.ProgressPercent,
        Message = engineEvent.Message,
        State = engineEvent.State?.ToProto() ?? Proto.InstanceState.Unspecified,
    };
}
