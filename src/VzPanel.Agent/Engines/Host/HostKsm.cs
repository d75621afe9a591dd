using System.Globalization;

namespace VzPanel.Agent.Engines.Host;

/// <summary>Kernel samepage merging as the host's /sys/kernel/mm/ksm reports it (pages are 4 KiB).</summary>
public static class HostKsm
{
    public const string DefaultDirectory = "/sys/kernel/mm/ksm";

    public static KsmStatistics Read(string directory = DefaultDirectory)
    {
        if (!Directory.Exists(directory))
            return new KsmStatistics(false, 0, 0, 0, 0, 0, 0, 0);
        long Value(string name) =>
            long.TryParse(HostFacts.ReadTrimmed(Path.Combine(directory, name)), CultureInfo.InvariantCulture, out var value) ? value : 0;
        var sharing = Value("pages_sharing");
        return new KsmStatistics(true, (int)Value("run"), Value("pages_shared"), sharing, Value("pages_unshared"), Value("pages_volatile"),
            Value("full_scans"), sharing * 4096 / (1024 * 1024));
    }
}
