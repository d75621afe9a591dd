using System.Globalization;
using VzPanel.Agent.Engines.Host;

namespace VzPanel.Agent.Engines.Lxc;

/// <summary>
/// A running container's cgroups, found from its init process (/proc/PID/cgroup), so live limits and
/// counters are file reads and writes, not a process per value. Hosts with a cgroup v1 memory
/// controller (hybrid, like ours) use v1 for memory, pids and cpu; pure v2 hosts use the unified tree.
/// </summary>
public sealed class ContainerCgroup
{
    private const string Root = "/sys/fs/cgroup";
    private const long MiB = 1024 * 1024;
    private readonly Dictionary<string, string> _v1 = [];
    private readonly string? _v2;

    private ContainerCgroup(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
                continue;
            if (parts[0] == "0" && parts[1].Length == 0)
                _v2 = parts[2];
            foreach (var controller in parts[1].Split(','))
                _v1[controller] = parts[2];
        }
    }

    public static CgroupFlavor HostFlavor => HostFacts.HasCgroupV1Memory ? CgroupFlavor.V1 : CgroupFlavor.V2;

    /// <summary>Swap limits only mean something with swap to use; without it a memsw limit would just shadow the memory limit's fail count.</summary>
    public static bool CanLimitSwap =>
        HasSwap() && (HostFlavor == CgroupFlavor.V2 || File.Exists(Path.Combine(Root, "memory", "memory.memsw.limit_in_bytes")));

    public static ContainerCgroup Of(int pid) => new(pid);

    public CgroupFlavor Flavor => HostFlavor;

    /// <summary>Writes one limit the way LXC's config names it (lxc.cgroup.memory.limit_in_bytes, lxc.cgroup2.memory.max).</summary>
    public void Write(string configKey, string value)
    {
        var v1 = configKey.StartsWith("lxc.cgroup.", StringComparison.Ordinal);
        var file = configKey[(v1 ? "lxc.cgroup." : "lxc.cgroup2.").Length..];
        File.WriteAllText(Path.Combine(Directory(v1, file), file), value);
    }

    /// <summary>Bytes the container holds that it cannot just drop: usage minus the inactive page cache (what kubelet calls the working set).</summary>
    public long WorkingSetBytes()
    {
        var stat = Stat();
        var usage = Flavor == CgroupFlavor.V1 ? Read("memory", "memory.usage_in_bytes") : Read("memory", "memory.current");
        var inactive = stat.GetValueOrDefault(Flavor == CgroupFlavor.V1 ? "total_inactive_file" : "inactive_file");
        return Math.Max(0, usage - inactive);
    }

    public long UsageMib => (Flavor == CgroupFlavor.V1 ? Read("memory", "memory.usage_in_bytes") : Read("memory", "memory.current")) / MiB;

    /// <summary>memory.stat as name → value (bytes for sizes).</summary>
    public Dictionary<string, long> Stat()
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        var file = Path.Combine(Directory(Flavor == CgroupFlavor.V1, "memory.stat"), "memory.stat");
        if (!File.Exists(file))
            return values;
        foreach (var line in File.ReadLines(file))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var value))
                values[parts[0]] = value;
        }
        return values;
    }

    /// <summary>
    /// A numeric cgroup file of a controller; "max" (v2) and v1's page-aligned near-maximum both read as
    /// long.MaxValue (unlimited), a missing file as 0.
    /// </summary>
    public long Read(string controller, string file)
    {
        var text = HostFacts.ReadTrimmed(Path.Combine(Directory(Flavor == CgroupFlavor.V1, file, controller), file));
        if (text is null)
            return 0;
        if (text == "max")
            return long.MaxValue;
        if (!long.TryParse(text.Split(' ')[0], CultureInfo.InvariantCulture, out var value))
            return 0;
        return value >= 1L << 60 ? long.MaxValue : value;
    }

    /// <summary>One "key value" line of a flat keyed file such as memory.events, pids.events or memory.oom_control.</summary>
    public long ReadKey(string controller, string file, string key)
    {
        var path = Path.Combine(Directory(Flavor == CgroupFlavor.V1, file, controller), file);
        if (!File.Exists(path))
            return 0;
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var value))
                return value;
        }
        return 0;
    }

    private string Directory(bool v1, string file, string? controller = null)
    {
        if (!v1)
            return Path.Join(Root, Flavor == CgroupFlavor.V1 ? "unified" : "", _v2 ?? "/");
        controller ??= file.Split('.')[0];
        return Path.Join(Root, controller, _v1.GetValueOrDefault(controller, "/"));
    }

    private static bool HasSwap() => File.ReadLines("/proc/swaps").Skip(1).Any(line => line.Trim().Length > 0);
}
