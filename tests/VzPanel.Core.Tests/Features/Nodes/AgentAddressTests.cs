using VzPanel.Core.Features.Nodes.Enrollment;

namespace VzPanel.Core.Tests.Features.Nodes;

public sealed class AgentAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:7443", true)]
    [InlineData("node-fra-01.example.net:7443", true)]
    [InlineData("[2001:db8::5]:7443", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("node", false)]
    [InlineData("node:0", false)]
    [InlineData("node:65536", false)]
    [InlineData(":7443", false)]
    [InlineData("node;reboot:7443", false)]
    [InlineData("node name:7443", false)]
    public void IsValid_HostAndPort_Only(string? address, bool valid) => AgentAddress.IsValid(address).ShouldBe(valid);

    [Fact]
    public void IsValid_LongerThan255_IsRefused() => AgentAddress.IsValid(new string('a', 251) + ":7443").ShouldBeFalse();
}
