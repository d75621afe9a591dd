using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using VzPanel.Shared;

namespace VzPanel.Agent.Engines.Lxc;

/// <summary>Where one container's memory and CPU limits live: the host's cgroup v1 memory controller or cgroup v2.</summary>
public enum CgroupFlavor { V1, V2 }

/// <summary>
/// Writes a container's LXC config from its spec. Values come from people (hostnames), so every value is
/// checked to be one line before it gets here and the hostname is quoted, keeping it one literal value.
/// </summary>
public static class LxcConfig
{
    public const long CpuPeriodUs = 100_000;
    private const long MiB = 1024 * 1024;

    public static string Build(string instanceId, ContainerSpec spec, string rootfs, string logFile, string network, CgroupFlavor cgroup, long swapMib)
    {
        var config = new StringBuilder()
            .AppendLine("# Written by vzpanel-agent from vzpanel.json beside it; edits here are overwritten.")
            .AppendLine("lxc.include = /usr/share/lxc/config/common.conf")
            .AppendLine($"lxc.rootfs.path = dir:{rootfs}")
            .AppendLine($"lxc.uts.name = \"{spec.Hostname}\"")
            .AppendLine($"lxc.init.cmd = {spec.Init}")
            .AppendLine($"lxc.signal.halt = {spec.HaltSignal}")
            .AppendLine("lxc.autodev = 1")
            .AppendLine("lxc.tty.max = 0")
            .AppendLine("lxc.pty.max = 16")
            .AppendLine("lxc.mount.auto = cgroup:mixed proc:mixed sys:ro")
            .AppendLine("lxc.mount.entry = shm dev/shm tmpfs defaults,create=dir 0 0")
            .AppendLine($"lxc.log.file = {logFile}")
            .AppendLine("lxc.log.level = WARN");
        AppendNetwork(config, instanceId, spec, network);
        foreach (var (key, value) in Limits(spec, cgroup, swapMib))
            config.AppendLine(CultureInfo.InvariantCulture, $"{key} = {value}");
        return config.ToString();
    }

    /// <summary>The cgroup settings a spec asks for, as LXC config keys; the same values are written live.</summary>
    public static IEnumerable<(string Key, string Value)> Limits(ContainerSpec spec, CgroupFlavor cgroup, long swapMib)
    {
        var limit = spec.MemoryMib * MiB;
        var guarantee = MemoryGuarantee.MiB(spec.MemoryMib, spec.GuaranteePercent) * MiB;
        var quota = spec.VCpus * CpuPeriodUs;
        if (cgroup == CgroupFlavor.V1)
        {
            yield return ("lxc.cgroup.memory.limit_in_bytes", Number(limit));
            if (ContainerCgroup.CanLimitSwap)
                yield return ("lxc.cgroup.memory.memsw.limit_in_bytes", Number(limit + swapMib * MiB));
            yield return ("lxc.cgroup.memory.soft_limit_in_bytes", Number(guarantee));
            yield return ("lxc.cgroup.cpu.cfs_period_us", Number(CpuPeriodUs));
            yield return ("lxc.cgroup.cpu.cfs_quota_us", Number(quota));
        }
        else
        {
            yield return ("lxc.cgroup2.memory.max", Number(limit));
            yield return ("lxc.cgroup2.memory.swap.max", Number(Math.Max(0, swapMib) * MiB));
            yield return ("lxc.cgroup2.memory.low", Number(guarantee));
            yield return ("lxc.cgroup2.cpu.max", $"{Number(quota)} {Number(CpuPeriodUs)}");
        }
    }

    private static void AppendNetwork(StringBuilder config, string instanceId, ContainerSpec spec, string network)
    {
        if (network.Length == 0)
        {
            config.AppendLine("lxc.net.0.type = empty");
            return;
        }
        config.AppendLine("lxc.net.0.type = veth")
            .AppendLine("lxc.net.0.name = eth0")
            .AppendLine("lxc.net.0.flags = up")
            .AppendLine($"lxc.net.0.hwaddr = {Mac(instanceId)}");
        if (network.StartsWith("bridge:", StringComparison.Ordinal))
            config.AppendLine($"lxc.net.0.link = {network["bridge:".Length..]}");
        foreach (var address in spec.Addresses)
            config.AppendLine($"lxc.net.0.{Family(address)}.address = {address}");
        if (spec.Gateway.Length > 0)
            config.AppendLine($"lxc.net.0.{Family(spec.Gateway)}.gateway = {spec.Gateway}");
    }

    /// <summary>A stable, locally administered MAC in LXC's 00:16:3e range, derived from the instance id.</summary>
    public static string Mac(string instanceId)
    {
        var bytes = Guid.Parse(instanceId).ToByteArray();
        return $"00:16:3e:{bytes[0]:x2}:{bytes[1]:x2}:{bytes[2]:x2}";
    }

    private static string Family(string address) =>
        IPAddress.Parse(address.Split('/')[0]).AddressFamily == AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
