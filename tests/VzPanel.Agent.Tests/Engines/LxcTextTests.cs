using VzPanel.Agent.Engines.Lxc;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>The LXC engine's pure parts: the config it writes and how it reads what tools print inside a container.</summary>
public sealed class LxcTextTests
{
    private static readonly ContainerSpec Spec = new("web", "busybox-x86_64", "busybox", 512, 50, 2, 1, "a\"b;$(x)", ["192.0.2.10/24", "2001:db8::5/64"],
        "192.0.2.1", ["192.0.2.53"], "/sbin/init", "SIGUSR1");

    [Fact]
    public void Build_BridgeNetwork_QuotesTheHostnameAndWritesAddressesByFamily()
    {
        var config = LxcConfig.Build("6f1c2d3e-0000-4000-8000-000000000001", Spec, "/private/x", "/lxc/x/lxc.log", "bridge:br0", CgroupFlavor.V1, 0);

        config.ShouldContain("lxc.uts.name = \"a\"b;$(x)\"\n");
        config.ShouldContain("lxc.net.0.link = br0\n");
        config.ShouldContain("lxc.net.0.ipv4.address = 192.0.2.10/24\n");
        config.ShouldContain("lxc.net.0.ipv6.address = 2001:db8::5/64\n");
        config.ShouldContain("lxc.net.0.ipv4.gateway = 192.0.2.1\n");
        config.ShouldContain("lxc.net.0.hwaddr = 00:16:3e:");
        config.ShouldContain("lxc.cgroup.memory.limit_in_bytes = 536870912\n");
        config.ShouldContain("lxc.cgroup.memory.soft_limit_in_bytes = 268435456\n");
        config.ShouldContain("lxc.cgroup.cpu.cfs_quota_us = 200000\n");
    }

    [Fact]
    public void Limits_CgroupV2_UseMaxLowAndCpuMax()
    {
        var limits = LxcConfig.Limits(Spec, CgroupFlavor.V2, swapMib: 256).ToDictionary(l => l.Key, l => l.Value);

        limits["lxc.cgroup2.memory.max"].ShouldBe("536870912");
        limits["lxc.cgroup2.memory.low"].ShouldBe("268435456");
        limits["lxc.cgroup2.memory.swap.max"].ShouldBe("268435456");
        limits["lxc.cgroup2.cpu.max"].ShouldBe("200000 100000");
    }

    [Fact]
    public void Build_NoNetwork_GivesOnlyLoopback()
    {
        LxcConfig.Build("6f1c2d3e-0000-4000-8000-000000000001", Spec, "/p", "/l", "", CgroupFlavor.V1, 0).ShouldContain("lxc.net.0.type = empty\n");
    }

    [Fact]
    public void GlobalAddresses_BusyboxAndIproute2Output_KeepsGlobalAddressesOfTheInterface()
    {
        const string output = """
            1: lo    inet 127.0.0.1/8 scope host lo\       valid_lft forever preferred_lft forever
            2: eth0    inet 198.51.100.7/24 brd 198.51.100.255 scope global eth0\       valid_lft forever preferred_lft forever
            2: eth0    inet6 2001:db8::7/64 scope global \       valid_lft forever preferred_lft forever
            2: eth0    inet6 fe80::216:3eff:fe00:1/64 scope link \       valid_lft forever preferred_lft forever
            3: eth1    inet 10.0.0.2/8 scope global eth1
            """;

        GuestNetworkText.GlobalAddresses(output, "eth0").ShouldBe(["198.51.100.7/24", "2001:db8::7/64"]);
    }

    [Fact]
    public void DefaultGatewayNameserversAndOsRelease_AreRead()
    {
        GuestNetworkText.DefaultGateway("198.51.100.0/24 dev eth0 scope link\ndefault via 198.51.100.1 dev eth0\n").ShouldBe("198.51.100.1");
        GuestNetworkText.DefaultGateway("198.51.100.0/24 dev eth0 scope link\n").ShouldBe("");
        GuestNetworkText.Nameservers("# comment\nnameserver 192.0.2.53\nsearch example\nnameserver\t2001:db8::53\n").ShouldBe(["192.0.2.53", "2001:db8::53"]);
        var os = GuestNetworkText.OsRelease("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n");
        os["ID"].ShouldBe("debian");
        os["VERSION_ID"].ShouldBe("12");
        os["PRETTY_NAME"].ShouldBe("Debian GNU/Linux 12 (bookworm)");
    }
}
