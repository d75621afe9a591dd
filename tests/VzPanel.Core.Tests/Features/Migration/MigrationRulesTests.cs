using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Nodes;

namespace VzPanel.Core.Tests.Features.Migration;

/// <summary>The dry run's decisions: live or cold and why, the expected transfer, and each pre-check that can stop a move.</summary>
public sealed class MigrationRulesTests
{
    private const string CriuFails = "3.17.1: `criu check` fails (vdso: Unexpected rt vDSO area bounds); containers migrate cold";

    private const string CriuPasses = "3.19: `criu check` passes; this agent still moves containers cold";

    private static NodeLoad Load(string name, EngineKind engine, string? accelerator = null, bool criu = false, bool liveContainers = false, long guaranteed = 0,
        string? network = null)
    {
        var node = new Node
        {
            Name = name, ManagementAddress = "127.0.0.1:1", RamMiB = 16384, CpuCount = 8, HostReserveMiB = 1024, Engine = engine,
            State = NodeState.Online, OvercommitRatio = 1.5m, Accelerator = accelerator,
            Capabilities = liveContainers ? [MigrationRules.LiveContainers] : [],
            Versions = new() { ["criu"] = criu ? CriuPasses : CriuFails },
        };
        if (network is not null) node.Versions[MigrationRules.NetworkFact] = network;
        return new NodeLoad(node, guaranteed, guaranteed);
    }

    private static Instance Server(InstanceKind kind, NodeLoad on, InstanceState state = InstanceState.Running, long memoryMiB = 2048, int guarantee = 50) => new()
    {
        Name = "web-1", Kind = kind, NodeId = on.Node.Id, State = state, MemoryMiB = memoryMiB, MemoryGuaranteePercent = guarantee, VCpus = 2,
    };

    [Fact]
    public void Plan_RunningVmBetweenKvmNodes_IsLiveAndCarriesMemoryAndDisk()
    {
        var (a, b) = (Load("kvm-a", EngineKind.Libvirt, "kvm"), Load("kvm-b", EngineKind.Libvirt, "kvm"));

        var plan = MigrationRules.Plan(Server(InstanceKind.Vm, a), a, b, diskMiB: 700, busyWith: null);

        plan.CanMigrate.ShouldBeTrue(string.Join("; ", plan.Blockers));
        plan.Mode.ShouldBe(MigrationMode.Live);
        plan.ExpectedTransferMiB.ShouldBe(2048 + 700);
        (plan.SourceNode, plan.TargetNode).ShouldBe(("kvm-a", "kvm-b"));
    }

    [Fact]
    public void Plan_RunningVmFromKvmToTcg_IsBlockedByTheAccelerator()
    {
        var (a, b) = (Load("kvm-a", EngineKind.Libvirt, "kvm"), Load("tcg-b", EngineKind.Libvirt, "tcg"));

        var plan = MigrationRules.Plan(Server(InstanceKind.Vm, a), a, b, 0, null);

        plan.Blockers.ShouldBe(["node kvm-a uses kvm, node tcg-b tcg: a running VM moves only between nodes with the same one"]);
    }

    [Fact]
    public void Plan_TargetAttachingGuestsToAnotherNetwork_IsBlockedNamingBoth()
    {
        var (a, b, c) = (Load("kvm-a", EngineKind.Libvirt, "kvm", network: "bridge:br0"), Load("kvm-b", EngineKind.Libvirt, "kvm", network: "none"),
            Load("kvm-c", EngineKind.Libvirt, "kvm", network: "bridge:br0"));

        var plan = MigrationRules.Plan(Server(InstanceKind.Vm, a), a, b, 0, null);
        var same = MigrationRules.Plan(Server(InstanceKind.Vm, a), a, c, 0, null);

        plan.Blockers.ShouldBe(["node kvm-a attaches servers to bridge:br0, node kvm-b to none: the server would lose its network there"]);
        same.Checks.Single(check => check.Name == "network").Detail.ShouldBe("both nodes attach servers to bridge:br0");
        same.CanMigrate.ShouldBeTrue();
    }

    [Fact]
    public void Plan_ContainerWhereCriuFailsOnTheTarget_IsColdAndSaysWhy()
    {
        var (a, b) = (Load("ct-a", EngineKind.Lxc, criu: true), Load("ct-b", EngineKind.Lxc, criu: false));

        var plan = MigrationRules.Plan(Server(InstanceKind.Ct, a), a, b, diskMiB: 300, busyWith: null);

        plan.CanMigrate.ShouldBeTrue();
        plan.Mode.ShouldBe(MigrationMode.Cold);
        plan.ModeReason.ShouldBe($"the container stops, its files move and it starts on the target (node ct-a: CRIU {CriuPasses}; node ct-b: CRIU {CriuFails})");
        plan.ExpectedTransferMiB.ShouldBe(300, "a cold move carries the files only");
    }

    [Fact]
    public void Plan_ContainerWhereCriuWorksOnBothNodes_IsStillColdUntilTheAgentsMoveRunningContainers()
    {
        var (a, b) = (Load("ct-a", EngineKind.Lxc, criu: true), Load("ct-b", EngineKind.Lxc, criu: true));

        var plan = MigrationRules.Plan(Server(InstanceKind.Ct, a), a, b, 300, null);

        plan.Mode.ShouldBe(MigrationMode.Cold);
        plan.ModeReason.ShouldContain("this agent still moves containers cold");
    }

    [Fact]
    public void Plan_ContainerBetweenAgentsThatMoveRunningContainers_IsLive()
    {
        var (a, b) = (Load("ct-a", EngineKind.Lxc, liveContainers: true), Load("ct-b", EngineKind.Lxc, liveContainers: true));

        MigrationRules.Plan(Server(InstanceKind.Ct, a), a, b, 300, null).Mode.ShouldBe(MigrationMode.Live);
    }

    [Fact]
    public void Plan_TargetWithoutGuaranteeRoom_IsBlockedWithTheNumbers()
    {
        var (a, b) = (Load("sim-a", EngineKind.Sim), Load("sim-b", EngineKind.Sim, guaranteed: 14848));

        var plan = MigrationRules.Plan(Server(InstanceKind.Ct, a, memoryMiB: 2048, guarantee: 50), a, b, 0, null);

        plan.Checks.Single(c => c.Name == "capacity").Detail.ShouldBe(
            "Node sim-b: guarantees would reach 103% of RAM minus the host reserve (15.5 of 15.0 GiB)");
        plan.CanMigrate.ShouldBeFalse();
    }

    [Fact]
    public void Plan_StoppedServer_MovesOfflineAndPromisesNothingOnTheTarget()
    {
        var (a, b) = (Load("sim-a", EngineKind.Sim), Load("sim-b", EngineKind.Sim, guaranteed: 15360));

        var plan = MigrationRules.Plan(Server(InstanceKind.Ct, a, InstanceState.Stopped), a, b, 500, null);

        plan.Mode.ShouldBe(MigrationMode.Offline);
        plan.CanMigrate.ShouldBeTrue(string.Join("; ", plan.Blockers));
        plan.ExpectedTransferMiB.ShouldBe(500);
    }

    [Fact]
    public void Plan_OtherEngineSameNodeBusyOrDeleting_EachBlocksWithItsReason()
    {
        var (lxc, libvirt) = (Load("ct-a", EngineKind.Lxc), Load("kvm-b", EngineKind.Libvirt, "kvm"));
        var server = Server(InstanceKind.Ct, lxc, InstanceState.Deleting);

        var plan = MigrationRules.Plan(server, lxc, libvirt, 0, "busy: Memory of web-1 to 4 GiB is still running; migrate when it ends");
        var sameNode = MigrationRules.Plan(Server(InstanceKind.Ct, lxc), lxc, lxc, 0, null);

        plan.Blockers.ShouldBe([
            "web-1 is deleting; only running or stopped servers move",
            "busy: Memory of web-1 to 4 GiB is still running; migrate when it ends",
            "node kvm-b runs Libvirt, node ct-a runs Lxc: a server moves only between nodes of one engine",
        ]);
        sameNode.Blockers.ShouldBe(["web-1 already runs on ct-a"]);
    }
}
