using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;

namespace VzPanel.Core.Tests.Features.Capacity;

public sealed class PlacementTests
{
    private static NodeLoad Load(string name, long ramMiB, long guaranteed, long committed = 0, EngineKind engine = EngineKind.Sim,
        NodeState state = NodeState.Online, decimal overcommit = 1.5m) =>
        new(new Node { Name = name, ManagementAddress = "127.0.0.1:1", RamMiB = ramMiB, CpuCount = 8, HostReserveMiB = 1024, Engine = engine, State = state, OvercommitRatio = overcommit },
            guaranteed, committed);

    [Fact]
    public void Choose_PicksTheNodeWithTheMostGuaranteeHeadroom()
    {
        // n-big has more RAM but has promised most of it; n-small has more left.
        var loads = new[] { Load("n-big", 32768, 30000), Load("n-small", 8192, 1024), Load("n-mid", 16384, 12000) };

        var chosen = Placement.Choose(loads, InstanceKind.Ct, 2048, 1024);

        chosen.Value!.Node.Name.ShouldBe("n-small");
    }

    [Fact]
    public void Choose_SkipsNodesThatCannotRunTheKindOrAreNotOnline()
    {
        var loads = new[]
        {
            Load("lxc-1", 65536, 0, engine: EngineKind.Lxc), Load("down", 65536, 0, state: NodeState.Offline),
            Load("kvm-1", 8192, 4096, engine: EngineKind.Libvirt),
        };

        Placement.Choose(loads, InstanceKind.Vm, 1024, 512).Value!.Node.Name.ShouldBe("kvm-1");
    }

    [Fact]
    public void Choose_WhenNoNodeFits_ExplainsEachRefusal()
    {
        var loads = new[] { Load("n1", 8192, 7000), Load("n2", 4096, 0, committed: 6000) };

        var refused = Placement.Choose(loads, InstanceKind.Ct, 2048, 2048);

        refused.IsSuccess.ShouldBeFalse();
        refused.Error!.Message.ShouldBe(
            "No node can take it: node n2: committed memory would reach 196% of RAM, above the overcommit limit of 150% (7.9 of 6.0 GiB); "
            + "node n1: guarantees would reach 126% of RAM minus the host reserve (8.8 of 7.0 GiB).");
    }

    [Fact]
    public void Choose_SkipsNodesTooSmallForTheServerItself()
    {
        // n-small has the most headroom but only 2 CPUs and 4 GiB of RAM.
        var small = Load("n-small", 4096, 0);
        small.Node.CpuCount = 2;
        var big = Load("n-big", 65536, 40000);
        big.Node.CpuCount = 32;

        Placement.Choose([small, big], InstanceKind.Ct, 2048, 0, vcpus: 4).Value!.Node.Name.ShouldBe("n-big");
        Placement.Choose([small], InstanceKind.Ct, 6144, 0, vcpus: 1).Error!.Message
            .ShouldBe("Node n-small: has 4.0 GiB of RAM, less than the 6.0 GiB asked for.");
    }

    [Fact]
    public void Choose_OnAnEmptyFleet_SaysNodesAreMissing() =>
        Placement.Choose([], InstanceKind.Ct, 1024, 0).Error!.Message.ShouldContain("no node");
}
