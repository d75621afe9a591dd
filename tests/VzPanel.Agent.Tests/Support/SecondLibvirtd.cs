using System.Diagnostics;
using System.Globalization;
using System.Text;
using VzPanel.Agent.Engines.Host;
using VzPanel.Agent.Engines.Libvirt.Native;

namespace VzPanel.Agent.Tests.Support;

/// <summary>
/// A second libvirt node on this machine, as docs/host-facts.md describes it: libvirtd and virtlogd in their own
/// network namespace (one veth pair, a /30 of 10.251.0.0/16 on it and nowhere else) and mount namespace (tmpfs on
/// /run, /var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt; a copy of /etc/libvirt with its own host_uuid,
/// TCP without auth on the inside address, and no domain or pool definitions). The host reaches it at
/// <see cref="Uri"/>. Every process runs from an argument list. Disposing destroys its domains, ends every process
/// in the namespace (by id), deletes the namespace and the veth; the mounts go with the mount namespace.
/// </summary>
public sealed class SecondLibvirtd : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] PrivateFolders = ["/run", "/var/lib/libvirt", "/var/log/libvirt", "/var/cache/libvirt"];

    private readonly string _namespace;
    private readonly string _hostVeth;
    private readonly string _state;
    private Process? _holder;

    private SecondLibvirtd(string id, int subnet)
    {
        _namespace = $"vzmig-{id}";
        _hostVeth = $"vzm{id}h";
        NodeVeth = $"vzm{id}n";
        HostAddress = $"10.251.{subnet}.1";
        Address = $"10.251.{subnet}.2";
        // On disk, not /tmp: the daemons' logs stay readable from the host while the namespace lives.
        _state = Path.Combine("/var/lib/vzpanel-test", $"libvirtd2-{id}");
    }

    /// <summary>The node's own address (inside the namespace); its libvirtd listens there.</summary>
    public string Address { get; }

    /// <summary>The host's end of the veth.</summary>
    public string HostAddress { get; }

    public string NodeVeth { get; }

    public string Uri => $"qemu+tcp://{Address}/system";

    public string LibvirtdLog => Path.Combine(_state, "logs", "libvirtd.log");

    /// <summary>Builds the namespaces and starts virtlogd and libvirtd in them; waits until libvirtd answers on <see cref="Uri"/>.</summary>
    public static async Task<SecondLibvirtd> StartAsync(CancellationToken cancellationToken)
    {
        var node = new SecondLibvirtd(Guid.NewGuid().ToString("N")[..6], FreeSubnet());
        try
        {
            await node.StartCoreAsync(cancellationToken);
            return node;
        }
        catch (Exception failure)
        {
            var log = File.Exists(node.LibvirtdLog) ? string.Join('\n', File.ReadLines(node.LibvirtdLog).TakeLast(15)) : "(no libvirtd log)";
            node.Dispose();
            throw new InvalidOperationException($"the second libvirtd did not come up: {failure.Message}\n{log}", failure);
        }
    }

    /// <summary>Makes sure the system libvirtd (qemu:///system, the source node) runs, as `./vzpanel test` does.</summary>
    public static async Task EnsureSystemLibvirtdAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var connection = new LibvirtConnection("qemu:///system");
            _ = new LibvirtApi(connection).Versions();
            return;
        }
        catch (LibvirtException)
        {
            // Not running: start it the way the project's scripts do.
        }
        var script = Path.Combine(VmTimings.RepositoryRoot(), "deploy", "libvirt", "ensure-libvirtd.sh");
        await RunAsync(script, [], cancellationToken);
    }

    private async Task StartCoreAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(_state, "logs"));
        WriteConfiguration(Path.Combine(_state, "etc"));

        await RunAsync("ip", ["netns", "add", _namespace], ct);
        await RunAsync("ip", ["link", "add", _hostVeth, "type", "veth", "peer", "name", NodeVeth, "netns", _namespace], ct);
        await RunAsync("ip", ["addr", "add", $"{HostAddress}/30", "dev", _hostVeth], ct);
        await RunAsync("ip", ["link", "set", _hostVeth, "up"], ct);
        await RunAsync("ip", ["-n", _namespace, "addr", "add", $"{Address}/30", "dev", NodeVeth], ct);
        await RunAsync("ip", ["-n", _namespace, "link", "set", NodeVeth, "up"], ct);
        await RunAsync("ip", ["-n", _namespace, "link", "set", "lo", "up"], ct);
        // An address in a private range with no veth behind it would be routed off the machine: never connect then.
        var route = await RunAsync("ip", ["route", "get", Address], ct);
        if (!route.Contains($"dev {_hostVeth}", StringComparison.Ordinal))
            throw new InvalidOperationException($"{Address} is not routed through {_hostVeth}: {route.Trim()}");

        // The namespaces' anchor. nsenter --net rather than `ip netns exec`, which remounts /sys and so hides the
        // cgroup hierarchy libvirt needs for the VMs' memory settings.
        var holder = new ProcessStartInfo("nsenter") { UseShellExecute = false };
        foreach (var argument in new[] { $"--net=/run/netns/{_namespace}", "--", "unshare", "--mount", "--propagation", "private", "--", "sleep", "infinity" })
            holder.ArgumentList.Add(argument);
        _holder = Process.Start(holder) ?? throw new InvalidOperationException("nsenter could not be started");
        await WaitForAsync(() => File.ReadAllText($"/proc/{_holder.Id}/comm").Trim() == "sleep", "the namespace holder", ct);

        foreach (var folder in PrivateFolders)
        {
            Directory.CreateDirectory(folder);
            await InsideAsync(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", folder], ct);
        }
        await InsideAsync(["mount", "--bind", Path.Combine(_state, "etc"), "/etc/libvirt"], ct);
        await InsideAsync(["mkdir", "-p", "/run/libvirt", "/run/lock", "/var/log/libvirt/qemu", "/var/lib/libvirt/qemu", "/var/lib/libvirt/images",
            "/var/cache/libvirt/qemu"], ct);

        // virtlogd before libvirtd: starting a domain needs its socket. Both daemonize inside the namespaces.
        await InsideAsync(["virtlogd", "-d"], ct, ("LIBVIRT_LOG_OUTPUTS", $"3:file:{Path.Combine(_state, "logs", "virtlogd.log")}"));
        await WaitForAsync(() => File.Exists($"/proc/{_holder.Id}/root/run/libvirt/virtlogd-sock"), "virtlogd's socket", ct);
        await InsideAsync(["libvirtd", "-d", "--listen"], ct, ("LIBVIRT_LOG_OUTPUTS", $"3:file:{LibvirtdLog}"));
        await WaitForAsync(Answers, $"libvirtd on {Uri}", ct);
    }

    private void WriteConfiguration(string etc)
    {
        Directory.CreateDirectory(etc);
        // The host's settings (qemu.conf: user, group), without its domains, pools, networks and secrets.
        foreach (var file in Directory.EnumerateFiles("/etc/libvirt", "*.conf"))
        {
            if (Path.GetFileName(file) != "libvirtd.conf")
                File.Copy(file, Path.Combine(etc, Path.GetFileName(file)));
        }
        if (Directory.Exists("/etc/libvirt/nwfilter"))
        {
            Directory.CreateDirectory(Path.Combine(etc, "nwfilter"));
            foreach (var file in Directory.EnumerateFiles("/etc/libvirt/nwfilter", "*.xml"))
                File.Copy(file, Path.Combine(etc, "nwfilter", Path.GetFileName(file)));
        }
        foreach (var folder in new[] { "qemu", "storage", "secrets" })
            Directory.CreateDirectory(Path.Combine(etc, folder));
        File.WriteAllText(Path.Combine(etc, "libvirtd.conf"), string.Join('\n',
            "# The second test node: TCP without authentication, only on its own veth address.",
            "listen_tls = 0",
            "listen_tcp = 1",
            "auth_tcp = \"none\"",
            $"listen_addr = \"{Address}\"",
            // Migration refuses a target with the source's host UUID ("migrate to the same host").
            $"host_uuid = \"{Guid.NewGuid()}\"",
            ""));
    }

    /// <summary>A /30 of 10.251.0.0/16 that no interface here uses yet.</summary>
    private static int FreeSubnet()
    {
        var used = RunAsync("ip", ["-o", "-4", "addr", "show"], CancellationToken.None).GetAwaiter().GetResult();
        foreach (var subnet in Enumerable.Range(0, 256).OrderBy(_ => Random.Shared.Next()))
        {
            if (!used.Contains($"10.251.{subnet}.", StringComparison.Ordinal))
                return subnet;
        }
        throw new InvalidOperationException("no free /30 left in 10.251.0.0/16");
    }

    private bool Answers()
    {
        try
        {
            using var connection = new LibvirtConnection(Uri);
            _ = new LibvirtApi(connection).Versions();
            return true;
        }
        catch (LibvirtException)
        {
            return false;
        }
    }

    private Task<string> InsideAsync(string[] argv, CancellationToken ct, params (string Name, string Value)[] environment) =>
        RunAsync("nsenter", ["--target", _holder!.Id.ToString(CultureInfo.InvariantCulture), "--mount", "--net", "--", .. argv], ct, environment);

    private static async Task<string> RunAsync(string tool, string[] arguments, CancellationToken ct, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} could not be started");
        // Daemons started with -d hand their stdio to /dev/null, so reading to the end returns once the parent exits.
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(CommandTimeout);
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited {process.ExitCode}: {(await stderr).Trim()}");
        return await stdout;
    }

    private static async Task WaitForAsync(Func<bool> ready, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (ready())
                    return;
            }
            catch (IOException)
            {
                // Not there yet.
            }
            if (clock.Elapsed > CommandTimeout)
                throw new TimeoutException($"{what} was not ready within {CommandTimeout.TotalSeconds:0} s");
            await Task.Delay(100, ct);
        }
    }

    public void Dispose()
    {
        var problems = new StringBuilder();
        void Try(string step, Action action)
        {
            try
            {
                action();
            }
            catch (Exception failure)
            {
                problems.AppendLine(CultureInfo.InvariantCulture, $"{step}: {failure.Message}");
            }
        }

        if (_holder is not null)
        {
            // Domains first, through libvirtd, so it removes their cgroups and tap devices itself.
            Try("destroying the node's domains", () =>
            {
                using var connection = new LibvirtConnection(Uri);
                var api = new LibvirtApi(connection);
                foreach (var domain in api.ListDomains())
                {
                    if (domain.State is 1 or 2 or 3 or 4 or 7)
                        api.Destroy(domain.Uuid);
                    api.Undefine(domain.Uuid);
                }
            });
            // Then every process in the namespace (our daemons and the holder), by id.
            Try("ending the node's processes", () => EndProcesses(Pids()));
            _holder.WaitForExit(TimeSpan.FromSeconds(5));
            _holder.Dispose();
        }
        Try("deleting the network namespace", () => RunAsync("ip", ["netns", "delete", _namespace], CancellationToken.None).GetAwaiter().GetResult());
        Try("deleting the veth", () =>
        {
            // Deleting the namespace takes the pair with it, a moment later; only a veth that stays needs deleting.
            for (var wait = 0; wait < 20 && Directory.Exists($"/sys/class/net/{_hostVeth}"); wait++)
                Thread.Sleep(50);
            if (Directory.Exists($"/sys/class/net/{_hostVeth}"))
                RunAsync("ip", ["link", "delete", _hostVeth], CancellationToken.None).GetAwaiter().GetResult();
        });
        Try("removing the state folder", () =>
        {
            if (Directory.Exists(_state))
                Directory.Delete(_state, recursive: true);
        });
        if (problems.Length > 0)
            TestContext.Current.TestOutputHelper?.WriteLine($"second libvirtd teardown: {problems}");
    }

    private List<int> Pids()
    {
        if (!File.Exists($"/run/netns/{_namespace}"))
            return [];
        var listed = RunAsync("ip", ["netns", "pids", _namespace], CancellationToken.None).GetAwaiter().GetResult();
        var pids = listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList();
        if (_holder is { HasExited: false } && !pids.Contains(_holder.Id))
            pids.Add(_holder.Id);
        return pids;
    }

    /// <summary>SIGTERM to each, then SIGKILL to what is still alive after 10 s.</summary>
    private static void EndProcesses(List<int> pids)
    {
        foreach (var pid in pids)
            Signal(pid, "TERM");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (pids.Any(Alive) && DateTime.UtcNow < deadline)
            Thread.Sleep(50);
        foreach (var pid in pids.Where(Alive))
            Signal(pid, "KILL");
    }

    /// <summary>Running, not a zombie (daemons are reparented, and whoever reaps them may take a while).</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0] != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Signal(int pid, string signal)
    {
        try
        {
            RunAsync("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)], CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // It is already gone.
        }
    }
}
