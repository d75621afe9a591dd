using System.Text;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Host;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>
/// A container on a node bridge gets its static address from the instance spec. The "node network" is a bridge
/// with no uplink and no host address; its only other member is a veth whose far end sits in a network namespace
/// the test creates, standing in for the rest of the network (it pings with busybox: the test command installs
/// busybox-static, not iputils). Nothing reaches the machine's own network.
/// </summary>
[Collection(LxcCollection.Name)]
public sealed class LxcBridgeTests : IAsyncLifetime
{
    private const string Gateway = "198.51.100.1";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];
    private LxcTestNode? _node;

    private string Bridge => $"vztbr{_suffix}";
    private string Namespace => $"vztns{_suffix}";
    private string HostEnd => $"vztv{_suffix}";

    public async ValueTask InitializeAsync()
    {
        await IpAsync("link", "add", Bridge, "type", "bridge");
        await IpAsync("link", "set", Bridge, "up");
        await IpAsync("netns", "add", Namespace);
        await IpAsync("link", "add", HostEnd, "type", "veth", "peer", "name", "eth0", "netns", Namespace);
        await IpAsync("link", "set", HostEnd, "master", Bridge, "up");
        await IpAsync("-n", Namespace, "addr", "add", $"{Gateway}/24", "dev", "eth0");
        await IpAsync("-n", Namespace, "link", "set", "eth0", "up");
        _node = new LxcTestNode(network: $"bridge:{Bridge}");
    }

    [Fact]
    public async Task Container_OnABridge_HasItsStaticAddressAndReachesTheNetworkBothWays()
    {
        using var engine = _node!.CreateEngine();
        var id = Guid.NewGuid().ToString();
        await engine.CreateAsync(new InstanceDefinition(id, "bridged", InstanceKind.Container, LxcTestNode.TemplateName, 128, 0, 1, 1, "bridged.example",
            ["198.51.100.20/24"]), Guid.NewGuid().ToString(), Ct);
        await engine.StartAsync(id, Guid.NewGuid().ToString(), Ct);

        var network = await engine.GetGuestNetworkAsync(id, Ct);
        network.Interfaces.ShouldHaveSingleItem().Addresses.ShouldBe(["198.51.100.20/24"]);
        var fromContainer = await engine.ExecAsync(id, new ExecCommand(["ping", "-c", "1", "-W", "5", Gateway], TimeSpan.FromSeconds(15)), null, Ct);
        fromContainer.ExitCode.ShouldBe(0, Encoding.UTF8.GetString(fromContainer.Stdout) + Encoding.UTF8.GetString(fromContainer.Stderr));
        var intoContainer = await ToolProcess.RunAsync("ip", ["netns", "exec", Namespace, "busybox", "ping", "-c", "1", "-W", "5", "198.51.100.20"], TimeSpan.FromSeconds(15));
        intoContainer.ExitCode.ShouldBe(0, intoContainer.StdoutText + intoContainer.StderrText);
    }

    private static async Task IpAsync(params string[] arguments)
    {
        var result = await ToolProcess.RunAsync("ip", arguments, TimeSpan.FromSeconds(10));
        if (!result.Succeeded)
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)}: {result.StderrText}");
    }

    public async ValueTask DisposeAsync()
    {
        _node?.Dispose();
        await ToolProcess.RunAsync("ip", ["netns", "del", Namespace], TimeSpan.FromSeconds(10));
        await ToolProcess.RunAsync("ip", ["link", "del", Bridge], TimeSpan.FromSeconds(10));
    }
}
