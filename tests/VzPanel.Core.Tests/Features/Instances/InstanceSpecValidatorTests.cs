using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Tests.Features.Instances;

public sealed class InstanceSpecValidatorTests
{
    private static readonly InstanceSpecValidator Validator = new();

    private static InstanceSpec Valid() => new()
    {
        Name = "web-01",
        Kind = InstanceKind.Ct,
        Memory = "1G",
        MemoryGuaranteePercent = 50,
        VCpus = 2,
        CpuLimitPercent = 150,
        Template = "debian-12-x86_64",
        Hostname = "web-01.example.com",
        IpAddresses = ["10.0.0.5", "2001:db8::5"],
    };

    [Fact]
    public void Validate_GoodSpec_Passes() => Validator.Validate(Valid()).IsValid.ShouldBeTrue();

    [Theory]
    [InlineData(nameof(InstanceSpec.Memory), "32M", "at least 64M")]
    [InlineData(nameof(InstanceSpec.Memory), "lots", "not a memory size")]
    [InlineData(nameof(InstanceSpec.MemoryGuaranteePercent), 101, "0 to 100")]
    [InlineData(nameof(InstanceSpec.MemoryGuaranteePercent), -1, "0 to 100")]
    [InlineData(nameof(InstanceSpec.VCpus), 0, "between 1 and 256")]
    [InlineData(nameof(InstanceSpec.CpuLimitPercent), 250, "from 1 to 200")]
    [InlineData(nameof(InstanceSpec.Hostname), "bad_host!", "hostname")]
    [InlineData(nameof(InstanceSpec.Hostname), "-lead.example", "hostname")]
    [InlineData(nameof(InstanceSpec.Name), "web 01", "only letters")]
    [InlineData(nameof(InstanceSpec.Disk), "20X", "not a disk size")]
    [InlineData(nameof(InstanceSpec.Disk), "3T", "1G to 2T")]
    public void Validate_BadField_NamesTheFieldAndReason(string field, object value, string reason)
    {
        var spec = field switch
        {
            nameof(InstanceSpec.Memory) => Valid() with { Memory = (string)value },
            nameof(InstanceSpec.MemoryGuaranteePercent) => Valid() with { MemoryGuaranteePercent = (int)value },
            nameof(InstanceSpec.VCpus) => Valid() with { VCpus = (int)value },
            nameof(InstanceSpec.CpuLimitPercent) => Valid() with { CpuLimitPercent = (int)value },
            nameof(InstanceSpec.Hostname) => Valid() with { Hostname = (string)value },
            nameof(InstanceSpec.Disk) => Valid() with { Disk = (string)value },
            _ => Valid() with { Name = (string)value },
        };

        var result = Validator.Validate(spec);

        result.IsValid.ShouldBeFalse();
        var error = result.Errors.ShouldHaveSingleItem();
        error.PropertyName.ShouldBe(field);
        error.ErrorMessage.ShouldContain(reason);
    }

    [Fact]
    public void Validate_BadIpAddress_QuotesIt()
    {
        var result = Validator.Validate(Valid() with { IpAddresses = ["10.0.0.5", "10.0.0.999"] });

        result.Errors.ShouldHaveSingleItem().ErrorMessage.ShouldContain("'10.0.0.999' is not an IP address");
    }
}
