using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Nodes;

namespace VzPanel.Core.Tests.Features.Capacity;

public sealed class AdmissionTests
{
    private static readonly Plan Plan = new() { Name = "Small", MemoryMinMiB = 512, MemoryMaxMiB = 4096, VCpuMax = 2 };

    [Theory]
    [InlineData(256, 1, "Plan 'Small' allows 512M to 4G of memory, not 256M.")]
    [InlineData(8192, 1, "Plan 'Small' allows 512M to 4G of memory, not 8G.")]
    [InlineData(1024, 4, "Plan 'Small' allows at most 2 vCPUs, not 4.")]
    public void CheckPlan_OutsideThePlan_SaysWhatItAllows(long memoryMiB, int vcpus, string message)
    {
        var error = Admission.CheckPlan(Plan, memoryMiB, vcpus);

        error!.Code.ShouldBe(ErrorCodes.Validation);
        error.Message.ShouldBe(message);
    }

    [Fact]
    public void CheckPlan_WithinThePlan_Passes() => Admission.CheckPlan(Plan, 4096, 2).ShouldBeNull();

    [Fact]
    public void CheckPlanDisk_PastThePlansDiskBound_SaysTheBound()
    {
        var plan = new Plan { Name = "Small", DiskMaxGiB = 40 };

        Admission.CheckPlanDisk(plan, 40).ShouldBeNull();
        Admission.CheckPlanDisk(plan, 41)!.Message.ShouldBe("Plan 'Small' allows disks up to 40 GiB, not 41 GiB.");
    }

    [Fact]
    public void RefusalOnNode_GuaranteesOverRamMinusReserve_NamesThePercentage()
    {
        var node = new Node { Name = "n2", ManagementAddress = "x", RamMiB = 33792, HostReserveMiB = 1024 };   // 32 GiB guaranteeable

        Admission.RefusalOnNode(new NodeLoad(node, 32768, 0), 1024, 0)
            .ShouldBe("node n2: guarantees would reach 103% of RAM minus the host reserve (33.0 of 32.0 GiB)");
        Admission.RefusalOnNode(new NodeLoad(node, 31744, 0), 1024, 0).ShouldBeNull();
    }

    [Fact]
    public void RefusalOnNode_LoweringNeverRefuses_EvenOnAnOverfullNode()
    {
        var node = new Node { Name = "full", ManagementAddress = "x", RamMiB = 4096, HostReserveMiB = 1024 };

        Admission.RefusalOnNode(new NodeLoad(node, 9000, 9000), -512, -1024).ShouldBeNull();
    }

    [Fact]
    public void CheckShrink_BelowUse_RefusesWithTheNumbers()
    {
        Admission.CheckShrink("web1", 700, 512)!.Message.ShouldStartWith("web1 uses 700 MiB right now; memory cannot shrink to 512 MiB.");
        Admission.CheckShrink("web1", 700, 768).ShouldBeNull();
    }
}
