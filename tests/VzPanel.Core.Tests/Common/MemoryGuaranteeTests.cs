using VzPanel.Core.Features.Instances;
using VzPanel.Shared;

namespace VzPanel.Core.Tests.Common;

public sealed class MemoryGuaranteeTests
{
    [Theory]
    [InlineData(2048, 50, 1024)]
    [InlineData(1000, 33, 330)]
    [InlineData(1001, 33, 331)]     // 330.33 MiB: rounded up, a guarantee never promises less
    [InlineData(1, 1, 1)]
    [InlineData(4096, 0, 0)]
    [InlineData(4096, 100, 4096)]
    public void MiB_RoundsUpToWholeMiB(long memoryMiB, int percent, long expected) =>
        MemoryGuarantee.MiB(memoryMiB, percent).ShouldBe(expected);

    [Fact]
    public void InstanceGuaranteeOf_IsTheSharedFormula() =>
        Instance.GuaranteeOf(1001, 33).ShouldBe(MemoryGuarantee.MiB(1001, 33));
}
