using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Tests.Features.Instances;

public sealed class DiskSizeTests
{
    [Theory]
    [InlineData("20G", 20)]
    [InlineData(" 1T ", 1024)]
    [InlineData("20480M", 20)]
    [InlineData("2048", 2)]   // a plain number is MiB, as for memory
    [InlineData("2T", 2048)]
    public void ParseGiB_WholeGiB_ReturnsThem(string text, long gib) => DiskSize.ParseGiB(text).Value.ShouldBe(gib);

    [Theory]
    [InlineData("1500M", "whole GiB")]
    [InlineData("3T", "A disk is 1G to 2T, not 3T.")]
    [InlineData("512M", "whole GiB")]
    [InlineData("20X", "'20X' is not a disk size: unknown unit 'X'")]
    [InlineData("", "is not a disk size: a size is required")]
    [InlineData(null, "a size is required")]
    public void ParseGiB_NotADiskSize_SaysWhyForTheField(string? text, string reason)
    {
        var error = DiskSize.ParseGiB(text, "size").Error.ShouldNotBeNull();

        error.Code.ShouldBe(ErrorCodes.Validation);
        error.Fields!.Keys.ShouldBe(["size"]);
        error.Message.ShouldContain(reason);
    }
}
