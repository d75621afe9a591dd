using System.Globalization;

namespace VzPanel.Agent.Engines.Host;

/// <summary>What the real host says about itself: RAM from /proc/meminfo, CPUs, kernel, virtualization hints.</summary>
public static class HostFacts
{
    public static (long TotalMib, long AvailableMib) Memory(string meminfoPath = "/proc/meminfo") => ParseMeminfo(File.ReadLines(meminfoPath));

    /// <summary>MemTotal and MemAvailable in MiB from /proc/meminfo lines (the host's or a guest's).</summary>
    public static (long TotalMib, long AvailableMib) ParseMeminfo(IEnumerable<string> lines)
    {
        long total = 0, available = 0;
        foreach (var line in lines)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var kib))
                continue;
            if (parts[0] == "MemTotal:")
                total = kib / 1024;
            else if (parts[0] == "MemAvailable:")
                available = kib / 1024;
        }
        return (total, available);
    }

    public static int CpuCount => Environment.ProcessorCount;

    public static string KernelRelease => ReadTrimmed("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.Version.ToString();

    /// <summary>True when this host is itself a virtual machine (the CPU says "hypervisor"), where nested KVM is unreliable.</summary>
    public static bool IsVirtualMachine => File.Exists("/proc/cpuinfo")
        && File.ReadLines("/proc/cpuinfo").Any(l => l.StartsWith("flags", StringComparison.Ordinal) && l.Split(' ').Contains("hypervisor"));

    public static bool HasKvmDevice => File.Exists("/dev/kvm");

    /// <summary>A cgroup v1 memory controller, where a soft limit is the guarantee's stand-in (as vcmmd does it).</summary>
    public static bool HasCgroupV1Memory => File.Exists("/sys/fs/cgroup/memory/memory.soft_limit_in_bytes");

    public static string? ReadTrimmed(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
