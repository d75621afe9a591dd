using VzPanel.Core.Features.Billing;

namespace VzPanel.Core.Tests.Features.Billing;

public sealed class PlanTests
{
    [Fact]
    public void HourlyPrice_AddsMemoryAndCpu()
    {
        var plan = new Plan { Name = "payg", PricePerGiBHour = 0.004m, PricePerVCpuHour = 0.01m };

        plan.HourlyPrice(memoryMiB: 1536, vcpus: 2).ShouldBe(0.026m);   // 1.5 GiB × 0.004 + 2 × 0.01
    }
}
