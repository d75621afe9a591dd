using VzPanel.Agent.Engines.Host;
using VzPanel.Agent.Engines.Lxc;

namespace VzPanel.Agent.Tests.Support;

/// <summary>
/// A throwaway LXC "node" on the machine's real LXC: its own lxcpath (the engine's scope), private
/// folder and an isolated veth per container, with the busybox template that `./vzpanel test` builds.
/// Disposing kills and removes every container it made.
/// </summary>
public sealed class LxcTestNode : IDisposable
{
    public const string TemplateName = "busybox-x86_64";
    public static readonly string TemplateDirectory =
        Environment.GetEnvironmentVariable("VZPANEL_CT_TEMPLATES") ?? "/var/lib/vzpanel-agent/templates/ct";

    private readonly string _root;

    public LxcTestNode(long guaranteeableMib = 3072, string network = "isolated")
    {
        if (CtTemplate.TryLoad(Path.Combine(TemplateDirectory, TemplateName)) is null)
            throw new InvalidOperationException(
                $"the container test template is missing in {TemplateDirectory}; `./vzpanel test` (or `./vzpanel deps`) builds it with deploy/ct-templates/build-ct-template.sh busybox");
        var id = Guid.NewGuid().ToString("N")[..10];
        _root = Path.Combine("/var/lib/vzpanel-test", $"ct-{id}");
        var (ramMib, _) = HostFacts.Memory();
        Options = new LxcOptions
        {
            LxcPath = Path.Combine(_root, "lxc"),
            PrivatePath = Path.Combine(_root, "private"),
            TemplateDirectory = TemplateDirectory,
            PoolName = $"ct-{id}",
            HostReserveMib = ramMib - guaranteeableMib,
            Network = network,
            NodeName = $"lxc-{id}",
        };
    }

    public LxcOptions Options { get; }

    public LxcComputeEngine CreateEngine() => new(Options);

    /// <summary>A cgroup v1 memory file of a running container, read the way an administrator would (the host has a v1 memory controller).</summary>
    public long MemoryCgroupValue(string instanceId, string file)
    {
        var pid = Run("lxc-info", "-P", Options.LxcPath, "-n", instanceId, "-p", "-H").Trim();
        var path = File.ReadLines($"/proc/{pid}/cgroup").Select(l => l.Split(':', 3)).Single(p => p.Length == 3 && p[1] == "memory")[2];
        return long.Parse(File.ReadAllText(Path.Join("/sys/fs/cgroup/memory", path, file)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        if (Directory.Exists(Options.LxcPath))
        {
            foreach (var folder in Directory.EnumerateDirectories(Options.LxcPath))
                Run("lxc-stop", "-P", Options.LxcPath, "-n", Path.GetFileName(folder), "-k");
        }
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    private static string Run(string tool, params string[] arguments)
    {
        var result = ToolProcess.RunAsync(tool, arguments, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        return result.StdoutText;
    }
}
