using VzPanel.Core.Common;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;

namespace VzPanel.Core.Tests.Features.Capacity;

/// <summary>Nodes that report a template cache take only instances whose template they have; the rest take any name.</summary>
public sealed class TemplatePlacementTests
{
    private const string Guest = "vzpanel-test-guest";

    private static NodeLoad Load(string name, EngineKind engine = EngineKind.Libvirt, long guaranteed = 0, params NodeTemplate[] cache)
    {
        var node = new Node
        {
            Name = name, ManagementAddress = "127.0.0.1:1", RamMiB = 16384, CpuCount = 8, HostReserveMiB = 1024, Engine = engine,
            State = NodeState.Online, OvercommitRatio = 1.5m,
        };
        if (engine != EngineKind.Sim)
        {
            node.Capabilities = ["guest-agent", NodeCapabilities.TemplateCache];
            node.Templates = [.. cache];
        }
        return new NodeLoad(node, guaranteed, 0);
    }

    private static NodeTemplate Vm(string name, string version = "1") => new(name, InstanceKind.Vm, version);

    [Fact]
    public void RefusalForTemplate_CacheWithoutIt_NamesNodeTemplateAndKind()
    {
        var n2 = Load("n2", cache: [Vm("debian-12-cloud")]).Node;

        Admission.RefusalForTemplate(n2, Guest, InstanceKind.Vm).ShouldBe("node n2 does not have template vzpanel-test-guest (VM)");
    }

    [Fact]
    public void RefusalForTemplate_SameNameOfTheOtherKind_DoesNotCount()
    {
        var node = Load("n1", EngineKind.Lxc, cache: [new NodeTemplate(Guest, InstanceKind.Ct, "1")]).Node;

        Admission.RefusalForTemplate(node, Guest, InstanceKind.Ct).ShouldBeNull();
        Admission.RefusalForTemplate(node, Guest, InstanceKind.Vm).ShouldBe("node n1 does not have template vzpanel-test-guest (VM)");
    }

    [Fact]
    public void RefusalForTemplate_NodeWithoutCache_AcceptsAnyName()
    {
        var sim = Load("sim-1", EngineKind.Sim).Node;

        Admission.RefusalForTemplate(sim, "anything-at-all", InstanceKind.Vm).ShouldBeNull();
    }

    [Fact]
    public void Choose_SkipsANodeWithoutTheTemplate_EvenWithMoreHeadroom()
    {
        // n-empty has all its RAM free but not the template; n-busy has less room and has it.
        var loads = new[] { Load("n-empty", cache: [Vm("debian-12-cloud")]), Load("n-busy", guaranteed: 8192, cache: [Vm(Guest)]) };

        Placement.Choose(loads, InstanceKind.Vm, 1024, 512, template: Guest).Value!.Node.Name.ShouldBe("n-busy");
    }

    [Fact]
    public void Choose_ASimNodeTakesTemplatesNoCachingNodeHas()
    {
        var loads = new[] { Load("kvm-1", cache: [Vm("debian-12-cloud")]), Load("sim-1", EngineKind.Sim, guaranteed: 12000) };

        Placement.Choose(loads, InstanceKind.Vm, 1024, 512, template: Guest).Value!.Node.Name.ShouldBe("sim-1");
    }

    [Fact]
    public void Choose_ANodeThatCachesTheTemplate_WinsOverASimWithMoreHeadroom()
    {
        // The quick start: a real VM node next to sims that accept any name; a real template belongs on the real node.
        var loads = new[] { Load("sim-2", EngineKind.Sim), Load("vm-1", guaranteed: 12000, cache: [Vm(Guest)]) };

        Placement.Choose(loads, InstanceKind.Vm, 512, 0, template: Guest).Value!.Node.Name.ShouldBe("vm-1");
    }

    [Fact]
    public void Choose_ChosenNodeWithoutTheTemplate_RefusesWithItsReason()
    {
        var refused = Placement.Choose([Load("n2", cache: [Vm("debian-12-cloud")])], InstanceKind.Vm, 1024, 512, template: Guest);

        refused.Error!.Code.ShouldBe(ErrorCodes.Conflict);
        refused.Error.Message.ShouldBe("Node n2 does not have template vzpanel-test-guest (VM).");
    }

    [Fact]
    public void Choose_NoNodeHasTheTemplate_SaysSo()
    {
        var loads = new[] { Load("n1", cache: [Vm("debian-12-cloud")]), Load("n2") };

        Placement.Choose(loads, InstanceKind.Vm, 1024, 512, template: Guest).Error!.Message
            .ShouldBe("No node has template vzpanel-test-guest (VM).");
    }

    [Fact]
    public void Choose_SomeLackTheTemplateAndTheRestAreFull_ListsEveryReason()
    {
        var loads = new[] { Load("n1"), Load("n2", guaranteed: 15000, cache: [Vm(Guest)]) };

        Placement.Choose(loads, InstanceKind.Vm, 2048, 2048, template: Guest).Error!.Message.ShouldBe(
            "No node can take it: node n2: guarantees would reach 111% of RAM minus the host reserve (16.6 of 15.0 GiB); "
            + "node n1 does not have template vzpanel-test-guest (VM).");
    }
}
