using System.Globalization;
using System.Runtime.InteropServices;

namespace VzPanel.Benchmarks;

/// <summary>What the numbers were measured on, read from /proc and /etc/os-release (Linux, like the panel).</summary>
public sealed record MachineFacts(string Cpu, int Cores, string Memory, string Os, string Dotnet)
{
    public static MachineFacts Read() => new(
        FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        FirstValue("/proc/meminfo", "MemTotal") is { } kb && long.TryParse(kb.Split(' ')[0], out var total)
            ? string.Create(CultureInfo.InvariantCulture, $"{total / 1024.0 / 1024.0:0.0} GiB") : "unknown",
        $"{OsName()} (kernel {Environment.OSVersion.Version}, {RuntimeInformation.OSArchitecture})",
        RuntimeInformation.FrameworkDescription);

    public IEnumerable<(string Fact, string Value)> Rows(string? postgres) =>
    [
        ("CPU", Cpu), ("Cores (logical)", Cores.ToString(CultureInfo.InvariantCulture)), ("RAM", Memory), ("OS", Os), (".NET", Dotnet),
        .. postgres is null ? Array.Empty<(string, string)>() : [("PostgreSQL", postgres)],
    ];

    /// <summary>The 1, 5 and 15 minute load averages: other work on the machine skews latency, so the report shows them.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string OsName() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? RuntimeInformation.OSDescription
            : RuntimeInformation.OSDescription;

    private static string? FirstValue(string file, string key) =>
        File.Exists(file)
            ? File.ReadLines(file).Select(l => l.Split(':', 2)).FirstOrDefault(p => p.Length == 2 && p[0].Trim() == key)?[1].Trim()
            : null;
}
