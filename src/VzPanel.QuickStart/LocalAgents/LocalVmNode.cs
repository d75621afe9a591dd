using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using VzPanel.Core.Options;

namespace VzPanel.QuickStart.LocalAgents;

/// <summary>
/// The quick start's real VM node vm-1: a `vzpanel-agent` on the libvirt engine of this machine, building VMs
/// from the node template vzpanel-test-guest that `./vzpanel deps` (or `./vzpanel run`) builds. Its domains are
/// tagged with a scope of their own and its disks live in a libvirt dir pool of their own, so other agents on
/// the same libvirtd (tests, a second panel) never see them.
/// </summary>
internal sealed record LocalVmNode(string DataDirectory, string Scope, string PoolName, string PoolPath)
{
    public const string Name = "vm-1";
    public const string Template = "vzpanel-test-guest";
    public const string LibvirtSocket = "/var/run/libvirt/libvirt-sock";
    public const string TemplateDirectory = "/var/lib/vzpanel-agent/templates/vm";
    private const string DefaultScope = "quickstart";
    private const string SharedImages = "/var/lib/vzpanel";
    private const UnixFileMode OthersMayEnter = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>
    /// The node of the panel whose data lives in <paramref name="panelDataDirectory"/>: scope "quickstart" for the
    /// default data directory, else one suffixed with a hash of it. Disks go next to the agent's data when QEMU
    /// (which runs as libvirt-qemu) can walk there, else to /var/lib/vzpanel.
    /// </summary>
    public static LocalVmNode For(string panelDataDirectory)
    {
        var dataDirectory = Path.Combine(panelDataDirectory, "agents", Name);
        var scope = Path.GetFullPath(panelDataDirectory) == Path.GetFullPath(PanelOptions.DefaultDataDirectory())
            ? DefaultScope
            : $"{DefaultScope}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(panelDataDirectory))))[..8]}";
        var beside = Path.Combine(dataDirectory, "images");
        var shared = Path.Combine(SharedImages, scope == DefaultScope ? $"{Name}-images" : $"{Name}-images-{scope[(DefaultScope.Length + 1)..]}");
        return new LocalVmNode(dataDirectory, scope, $"vzpanel-{scope}", QemuCanReach(beside) ? beside : shared);
    }

    /// <summary>Engine options for enroll and run.</summary>
    public IReadOnlyList<string> EngineArguments =>
    [
        "--engine", "libvirt", "--accel", "auto", "--vm-network", "none", "--scope", Scope,
        "--template-dir", TemplateDirectory, "--pool", PoolName, "--pool-path", PoolPath,
    ];

    /// <summary>Why this machine cannot run the VM node, in words for the console; null when it can.</summary>
    public static async Task<string?> UnusableBecauseAsync(CancellationToken ct)
    {
        if (!File.Exists(LibvirtSocket))
            return $"libvirt is not running here (no {LibvirtSocket})";
        var template = Path.Combine(TemplateDirectory, Template, "template.json");
        if (!File.Exists(template))
            return $"the VM template {Template} is not built (no {template})";
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(LibvirtSocket), timeout.Token);
            return null;
        }
        catch (SocketException ex)
        {
            return $"libvirtd does not take connections on {LibvirtSocket} ({ex.Message})";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"libvirtd does not answer on {LibvirtSocket}";
        }
    }

    /// <summary>
    /// Whether QEMU can reach the pool folder; creates it when it is the agent's own (a shared one is left to the
    /// agent, which makes it with the first VM, so a panel that never runs one leaves nothing there).
    /// </summary>
    public bool PreparePoolFolder()
    {
        try
        {
            if (PoolPath.StartsWith(DataDirectory + "/", StringComparison.Ordinal))
            {
                Directory.CreateDirectory(PoolPath);
                File.SetUnixFileMode(PoolPath, OthersMayEnter);
            }
            return QemuCanReach(PoolPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether an unprivileged account can walk down to <paramref name="folder"/>: every existing folder on the way
    /// lets others enter. Not /tmp, which a systemd-run libvirtd may see as a private folder of its own.
    /// </summary>
    private static bool QemuCanReach(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (full == "/tmp" || full.StartsWith("/tmp/", StringComparison.Ordinal)
            || full.StartsWith(Path.GetTempPath(), StringComparison.Ordinal))
            return false;
        for (var dir = new DirectoryInfo(full); dir is not null; dir = dir.Parent)
        {
            if (dir.Exists && (dir.UnixFileMode & UnixFileMode.OtherExecute) == 0)
                return false;
        }
        return true;
    }

    /// <summary>For the console: what the node is and where its disks go.</summary>
    public string Summary => $"libvirt, scope {Scope}, template {Template}, disks in pool {PoolName} at {PoolPath}";
}
