using VzPanel.Core.Common;
using VzPanel.Shared;

namespace VzPanel.Core.Tests.Common;

public sealed class MemorySizeTests
{
    [Theory]
    [InlineData("512M", 512)]
    [InlineData("512m", 512)]
    [InlineData("2G", 2048)]
    [InlineData("1T", 1024 * 1024)]
    [InlineData("4096K", 4)]
    [InlineData("1024", 1024)]          // a plain number is MiB, as in prlctl --memsize
    [InlineData(" 768 ", 768)]
    [InlineData("3 G", 3072)]
    public void Parse_PrlctlSizes_GivesMiB(string text, long expectedMiB)
    {
        var result = MemorySize.Parse(text);

        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        result.Value.MiB.ShouldBe(expectedMiB);
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("   ", "required")]
    [InlineData(null, "required")]
    [InlineData("0", "at least 1M")]
    [InlineData("0G", "at least 1M")]
    [InlineData("-5M", "whole number")]
    [InlineData("1.5G", "whole number")]
    [InlineData("2GiB", "not MiB/GiB")]
    [InlineData("12X", "unknown unit")]
    [InlineData("100K", "whole number of MiB")]
    [InlineData("99999999999999T", "too large")]
    [InlineData("2G; rm -rf /", "whole number")]
    public void Parse_BadInput_ExplainsWhy(string? text, string reason)
    {
        var result = MemorySize.Parse(text);

        result.IsSuccess.ShouldBeFalse();
        result.Error!.Code.ShouldBe(ErrorCodes.Validation);
        result.Error.Message.ShouldContain(reason);
    }

    [Theory]
    [InlineData(512, "512M")]
    [InlineData(1536, "1536M")]
    [InlineData(2048, "2G")]
    [InlineData(1024 * 1024, "1T")]
    [InlineData(1024 * 1024 + 1024, "1025G")]
    public void ToString_UsesLargestExactUnit(long mib, string expected) =>
        new MemorySize(mib).ToString().ShouldBe(expected);

    [Theory]
    [InlineData("512M")]
    [InlineData("1536M")]
    [InlineData("64G")]
    [InlineData("2T")]
    public void ToString_ThenParse_RoundTrips(string text) =>
        MemorySize.Parse(MemorySize.Parse(text).Value.ToString()).Value.ShouldBe(MemorySize.Parse(text).Value);

    [Fact]
    public void Comparison_OrdersBySize()
    {
        (MemorySize.FromGiB(1) > new MemorySize(1023)).ShouldBeTrue();
        (new MemorySize(512) <= new MemorySize(512)).ShouldBeTrue();
        MemorySize.FromGiB(2).Bytes.ShouldBe(2L * 1024 * 1024 * 1024);
    }
}
