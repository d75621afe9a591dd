using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;

namespace VzPanel.Core.Features.Dashboard;

/// <summary>The fleet at a glance. Customers get only their own instances and no node details.</summary>
public sealed record FleetSummary
{
    public bool IncludesNodes { get; init; }
    public IReadOnlyList<NodeCapacity> Nodes { get; init; } = [];
    public IReadOnlyDictionary<InstanceState, int> InstancesByState { get; init; } = new Dictionary<InstanceState, int>();
    public int Containers { get; init; }
    public int VirtualMachines { get; init; }

    /// <summary>Memory of the instances that hold memory now (running, starting, stopping, migrating).</summary>
    public long CommittedMiB { get; init; }

    public long GuaranteedMiB { get; init; }

    public int InstanceCount => Containers + VirtualMachines;
    public long InstalledMiB => Nodes.Sum(n => n.RamMiB);
    public long ReservedMiB => Nodes.Sum(n => n.HostReserveMiB);
    public int NodesOnline => Nodes.Count(n => n.State == NodeState.Online);
    public bool IsEmpty => Nodes.Count == 0 && InstanceCount == 0;
}

public sealed record NodeCapacity(
    Guid Id, string Name, EngineKind Engine, NodeState State, long RamMiB, long HostReserveMiB,
    int Instances, long CommittedMiB, long GuaranteedMiB, DateTimeOffset? LastHeartbeatAt)
{
    public double CommittedShare => RamMiB == 0 ? 0 : (double)CommittedMiB / RamMiB;
    public double GuaranteedShare => RamMiB == 0 ? 0 : (double)GuaranteedMiB / RamMiB;
}
