using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway libvirt "node" on this machine's real libvirtd for a `vzpanel-agent --engine libvirt`: its own domain
/// scope, its own dir storage pool under /var/lib/vzpanel-test/&lt;id&gt; (not /tmp: QEMU runs as libvirt-qemu and must
/// walk there), TCG (nested KVM hangs here) and the VM template vzpanel-test-guest that `./vzpanel deps` builds.
/// Disposing removes every domain of the scope, every volume of the pool, the pool and the folder, through virsh.
/// </summary>
public sealed class LibvirtTestScope : IDisposable
{
    public const string Template = "vzpanel-test-guest";
    public const string Uri = "qemu:///system";
    public const string Socket = "/var/run/libvirt/libvirt-sock";
    private const string MetadataNamespace = "urn:vzpanel:instance:1";

    public static readonly string TemplateDirectory =
        Environment.GetEnvironmentVariable("VZPANEL_VM_TEMPLATES") ?? "/var/lib/vzpanel-agent/templates/vm";

    private readonly string _uri;

    /// <param name="uri">The libvirtd this node's agent talks to: the system one, or a second node's (SecondLibvirtd).</param>
    public LibvirtTestScope(string uri = Uri)
    {
        EnsureAvailable();
        _uri = uri;
        Id = Guid.NewGuid().ToString("N")[..10];
        Root = Path.Combine("/var/lib/vzpanel-test", Id);
        Directory.CreateDirectory(Root);
    }

    /// <summary>Fails, naming `./vzpanel deps`, when libvirtd is not running or the VM template is not built.</summary>
    public static void EnsureAvailable()
    {
        var missing = !File.Exists(Socket) ? $"libvirtd is not running (no {Socket})"
            : !File.Exists(Path.Combine(TemplateDirectory, Template, "template.json")) ? $"the VM template {Template} is not in {TemplateDirectory}"
            : null;
        if (missing is not null)
            throw new InvalidOperationException($"VM tests need libvirt and the test guest: {missing}. Run `./vzpanel deps` as root "
                + "(it installs QEMU/libvirt, starts libvirtd and builds the template); `./vzpanel test` does that too.");
    }

    public string Id { get; }

    /// <summary>/var/lib/vzpanel-test/&lt;id&gt;: the pool folder lives in it.</summary>
    public string Root { get; }

    public string Scope => $"itest-{Id}";
    public string PoolName => $"vzit-{Id}";
    public string PoolPath => Path.Combine(Root, "pool");

    /// <summary>
    /// Engine options of an agent on this scope: TCG, an isolated NIC, and a host reserve that leaves
    /// <paramref name="guaranteeableMib"/> for guarantees whatever this machine's RAM.
    /// </summary>
    public IReadOnlyList<string> AgentArguments(long guaranteeableMib) =>
    [
        "--engine", "libvirt", "--libvirt-uri", _uri, "--accel", "tcg", "--vm-network", "isolated", "--scope", Scope, "--template-dir", TemplateDirectory,
        "--pool", PoolName, "--pool-path", PoolPath,
        "--host-reserve", string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, HostRamMib() - guaranteeableMib)}M"),
    ];

    /// <summary>RAM as the agent counts it (MemTotal of /proc/meminfo).</summary>
    public static long HostRamMib() =>
        File.ReadLines("/proc/meminfo").Where(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).First();

    /// <summary>UUIDs of the libvirt domains tagged with this scope.</summary>
    public IReadOnlyList<string> Domains()
    {
        XNamespace ns = MetadataNamespace;
        return VirshHere("list", "--all", "--uuid").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(uuid => VirshHere("dumpxml", uuid) is { ExitCode: 0 } xml
                && XElement.Parse(xml.Output).Element("metadata")?.Element(ns + "instance")?.Element(ns + "scope")?.Value == Scope)
            .ToList();
    }

    /// <summary>Names of the volumes in this scope's pool (first column of vol-list); empty when the pool does not exist.</summary>
    public IReadOnlyList<string> Volumes()
    {
        if (VirshHere("pool-info", PoolName).ExitCode != 0) return [];
        var (exitCode, output) = VirshHere("vol-list", PoolName);
        return exitCode == 0
            ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' ')[0]).ToList()
            : throw new InvalidOperationException($"virsh vol-list {PoolName} failed: {output}");
    }

    public void Dispose()
    {
        foreach (var uuid in Domains())
        {
            VirshHere("destroy", uuid);   // fails harmlessly when it is not running
            VirshHere("undefine", uuid);
        }
        try
        {
            foreach (var volume in Volumes())
                VirshHere("vol-delete", volume, "--pool", PoolName);
        }
        finally
        {
            if (VirshHere("pool-info", PoolName).ExitCode == 0)
            {
                VirshHere("pool-destroy", PoolName);
                VirshHere("pool-undefine", PoolName);
            }
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        }
    }

    /// <summary>One virsh command (an argument list, never a shell string) against the system libvirtd.</summary>
    public static (int ExitCode, string Output) Virsh(params string[] args) => VirshAt(Uri, args);

    private (int ExitCode, string Output) VirshHere(params string[] args) => VirshAt(_uri, args);

    private static (int ExitCode, string Output) VirshAt(string uri, string[] args)
    {
        var info = new ProcessStartInfo("virsh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-c", uri, "-q", .. args]) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException($"virsh {string.Join(' ', args)} did not finish within 60 s");
        }
        return (process.ExitCode, stdout.Result + (process.ExitCode == 0 ? "" : stderr.Result));
    }
}
