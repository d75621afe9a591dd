namespace VzPanel.Core.Features.Counters;

/// <summary>The units agents report counter rows in.</summary>
public static class CounterUnits
{
    /// <summary>Memory pages of 4 KiB.</summary>
    public const string Pages = "pages";

    public const string Bytes = "bytes";

    /// <summary>Things counted one by one (processes, sockets, files).</summary>
    public const string Count = "count";

    public const long PageBytes = 4096;
    private const double MiB = 1024 * 1024;

    /// <summary>Limits from here on mean "no limit": <c>long.MaxValue</c> (OpenVZ's LONG_MAX), cgroups' "max".</summary>
    public const long UnlimitedFrom = 1L << 60;

    public static bool IsUnlimited(long value) => value >= UnlimitedFrom;

    /// <summary><paramref name="value"/> in MiB for memory units; null for counts (and units agents may add later).</summary>
    public static double? ToMiB(long value, string unit) => unit switch
    {
        Pages => value * PageBytes / MiB,
        Bytes => value / MiB,
        _ => null,
    };
}

/// <summary>What the well-known counters measure, in one place for the API and the pages.</summary>
public static class CounterResources
{
    public const string PhysPages = "physpages";

    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.OrdinalIgnoreCase)
    {
        [PhysPages] = "RAM in use, in 4 KiB pages; the limit is the server's memory",
        ["swappages"] = "swap in use, in 4 KiB pages",
        ["oomguarpages"] = "memory guaranteed against the OOM killer (the barrier is the guarantee)",
        ["dimmpages"] = "memory hotplugged as DIMMs; the limit is how much more can be plugged",
        ["vmguarpages"] = "memory allocation guarantee",
        ["privvmpages"] = "memory allocated (not all of it in use)",
        ["lockedpages"] = "memory locked in RAM (mlock)",
        ["shmpages"] = "shared memory (IPC and tmpfs)",
        ["kmemsize"] = "kernel memory used on the server's behalf",
        ["numproc"] = "processes and threads",
        ["numfile"] = "open files",
        ["numflock"] = "file locks",
        ["numpty"] = "pseudo-terminals",
        ["numsiginfo"] = "pending signals",
        ["numtcpsock"] = "TCP sockets",
        ["numothersock"] = "other sockets (UDP, UNIX, netlink)",
        ["tcpsndbuf"] = "TCP send buffers",
        ["tcprcvbuf"] = "TCP receive buffers",
        ["othersockbuf"] = "buffers of other sockets",
        ["dgramrcvbuf"] = "datagram receive buffers",
        ["numiptent"] = "firewall (iptables) rules",
        ["dcachesize"] = "directory entry and inode caches",
    };

    /// <summary>What <paramref name="resource"/> measures, for people; null for a resource the panel does not know.</summary>
    public static string? Describe(string resource) => Descriptions.GetValueOrDefault(resource);
}
