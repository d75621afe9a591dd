using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>
/// The real panel, started as its own process from its build output, exactly as an operator runs it:
/// Production environment, real Kestrel on a free loopback port, its console captured.
/// </summary>
public sealed partial class PanelProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string[] _args;

    private PanelProcess(Process process, Uri baseUrl, Uri agentUrl, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        _process = process;
        BaseUrl = baseUrl;
        AgentUrl = agentUrl;
        _environment = environment;
        _args = args;
    }

    public Uri BaseUrl { get; }

    /// <summary>The agent endpoint (gRPC, mutual TLS) on its own free port.</summary>
    public Uri AgentUrl { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The one-time admin password the panel printed, if it printed one.</summary>
    public string? PrintedAdminPassword => PasswordLine().Match(Output) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>Every login the panel printed (a <c>user:</c> line followed by a <c>password:</c> line), in the order printed.</summary>
    public IReadOnlyList<(string UserName, string Password)> PrintedLogins =>
        [.. LoginLines().Matches(Output).Select(m => (m.Groups[1].Value, m.Groups[2].Value))];

    /// <summary>
    /// The quick start as `./vzpanel run` runs it: no connection string (the embedded database in
    /// <paramref name="dataDirectory"/>), three sim agents, and the real nodes asked for (vm-1 on libvirt, ct-1 on LXC).
    /// </summary>
    public static Task<PanelProcess> StartQuickStartAsync(string dataDirectory, bool vmNode, bool containerNode) => StartAsync(new Dictionary<string, string>
    {
        ["Panel__DataDirectory"] = dataDirectory,
        ["Panel__LocalAgents__Count"] = "3",
        ["Panel__LocalAgents__FirstPort"] = FreeLocalAgentPorts(),
        ["Panel__LocalAgents__AgentPath"] = AgentDll,
        ["Panel__LocalAgents__Libvirt"] = vmNode ? "auto" : "off",
        ["Panel__LocalAgents__Lxc"] = containerNode ? "auto" : "off",
    });

    /// <summary>Starts the panel with <paramref name="environment"/> added and waits until /health/ready answers 200.</summary>
    /// <remarks>
    /// A port free when chosen can still be taken before the panel binds it (another test's panel or agent starting at
    /// the same moment); such a start is tried again on fresh ports rather than failing the test.
    /// </remarks>
    public static async Task<PanelProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartAsync(environment, new Uri($"http://127.0.0.1:{FreePort()}"), FreePort(), args);
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // lost the race for a port: choose others
            }
        }
    }

    /// <summary>This panel once more, after it stopped or was killed: the same settings, database, data directory and ports.</summary>
    public Task<PanelProcess> StartAgainAsync() => StartAsync(_environment, BaseUrl, AgentUrl.Port, _args);

    private static async Task<PanelProcess> StartAsync(IReadOnlyDictionary<string, string> environment, Uri url, int agentPort, string[] args)
    {
        var panel = new PanelProcess(Process.Start(StartInfo(environment, agentPort, ["--urls", url.ToString(), .. args]))!, url,
            new Uri($"https://127.0.0.1:{agentPort}"), environment, args);
        panel._process.OutputDataReceived += (_, e) => panel.Append(e.Data);
        panel._process.ErrorDataReceived += (_, e) => panel.Append(e.Data);
        panel._process.BeginOutputReadLine();
        panel._process.BeginErrorReadLine();
        try
        {
            await panel.WaitUntilReadyAsync();
        }
        catch
        {
            panel._process.Kill(entireProcessTree: true);   // never leave a half-started panel behind
            throw;
        }
        return panel;
    }

    /// <summary>Runs the panel for a one-off command (it exits by itself) and returns what it printed.</summary>
    public static async Task<string> RunToEndAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var (exitCode, output) = await RunToExitAsync(environment, args);
        return exitCode == 0 ? output : throw new InvalidOperationException($"The panel exited with {exitCode}:\n{output}");
    }

    /// <summary>Runs the panel until it exits by itself (a one-off command, or a start it refuses): its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(environment, FreePort(), args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The word after <paramref name="prefix"/> in <paramref name="output"/>, if printed.</summary>
    public static string? PasswordIn(string output, string prefix)
    {
        var start = output.IndexOf(prefix, StringComparison.Ordinal);
        return start < 0 ? null : output[(start + prefix.Length)..].Split((char[])['\n', ' ', '\r'], 2)[0];
    }

    /// <summary>Production, its own agent port, no local sim agents (tests start the agents they need) unless asked for.</summary>
    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, int agentPort, string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(WebDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[WebDll, .. args]) info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Panel__LocalAgents__Count"] = "0";
        // Tests sign staff in with a password alone; the MFA gate's own tests pass Identity__RequireStaffMfa=true.
        info.Environment["Identity__RequireStaffMfa"] = "false";
        // Test panels sign dozens of accounts in from loopback within seconds, far past the production sign-in limits;
        // the throttle's own tests set its defaults back (SignInThrottleTests).
        foreach (var (k, v) in RelaxedSignInThrottle) info.Environment[k] = v;
        // Test tenants hold no credit: prepaid enforcement would warn them and write audit rows other tests count. Its own
        // tests drive it in process (PrepaidEnforcementTests) or pass Billing__EnforcePrepaid=true.
        info.Environment["Billing__EnforcePrepaid"] = "false";
        foreach (var (k, v) in environment) info.Environment[k] = v;
        info.Environment["Agents__Listen"] = $"127.0.0.1:{agentPort}";
        return info;
    }

    /// <summary>Sign-in limits no test that is not about throttling reaches.</summary>
    public static IReadOnlyDictionary<string, string> RelaxedSignInThrottle { get; } = new Dictionary<string, string>
    {
        ["Identity__SignInThrottle__AddressBurst"] = "10000",
        ["Identity__SignInThrottle__UserBurst"] = "10000",
    };

    public HttpClient CreateClient(bool followRedirects = false) =>
        new(new HttpClientHandler { AllowAutoRedirect = followRedirects, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = BaseUrl,
        };

    /// <summary>Asks the panel to stop the way systemd or Ctrl+C would (SIGTERM) and waits for it.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        _ = Kill(_process.Id, 15);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>Kills the panel abruptly (SIGKILL), as a crash or a power cut would: no job is handed back, no connection closed.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The panel exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet, or too busy starting to answer within the request timeout
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The panel did not become ready within 90 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static string WebDll => BuiltDll("VzPanel.Web");

    /// <summary>The node agent, built by src/VzPanel.Agent under the name the docs use.</summary>
    public static string AgentDll => BuiltDll("VzPanel.Agent", "vzpanel-agent");

    /// <summary>A program of this repository from its build output, in the configuration the tests were built in.</summary>
    private static string BuiltDll(string project, string? assembly = null)
    {
        var configuration = typeof(PanelProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value!;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VzPanel.sln"))) dir = dir.Parent;
        var dll = Path.Combine(dir!.FullName, "src", project, "bin", configuration, "net10.0", (assembly ?? project) + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build src/{project} first.", dll);
    }

    /// <summary>
    /// A loopback port free now, below the kernel's ephemeral range (32768 and up) so no outgoing connection takes it
    /// before it is bound, and never handed out twice by this test process.
    /// </summary>
    public static int FreePort() => int.Parse(FreePorts(1), System.Globalization.CultureInfo.InvariantCulture);

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// Panel__LocalAgents__FirstPort for a quick-start panel: its local agents listen on that port and the next four (three
    /// sim nodes, vm-1, ct-1). All five are free now and lie below the kernel's ephemeral range (32768 and up), so no
    /// outgoing connection of this busy test process takes one of them before the agents bind it. Asking the kernel for the
    /// first port alone left the other four to chance: the likely reason sim-2 once stayed offline in CI.
    /// </summary>
    public static string FreeLocalAgentPorts() => FreePorts(5);

    /// <summary>The first of <paramref name="count"/> consecutive free ports (see <see cref="FreePort"/>).</summary>
    private static string FreePorts(int count)
    {
        for (var attempt = 1; ; attempt++)
        {
            var first = Random.Shared.Next(20_000, 32_000 - count);
            var held = new List<TcpListener>();
            try
            {
                lock (HandedOut)
                {
                    var ports = Enumerable.Range(first, count).ToList();
                    if (ports.Any(HandedOut.Contains)) continue;
                    foreach (var port in ports)
                    {
                        var listener = new TcpListener(IPAddress.Loopback, port);
                        listener.Start();
                        held.Add(listener);
                    }
                    HandedOut.UnionWith(ports);
                }
                return first.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (SocketException) when (attempt < 50)
            {
                // one of them is taken: another range
            }
            finally
            {
                held.ForEach(l => l.Stop());
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"password:\s+(\S+)")]
    private static partial Regex PasswordLine();

    [GeneratedRegex(@"user:\s+(\S+)\s*\r?\n\s*password:\s+(\S+)")]
    private static partial Regex LoginLines();
}
