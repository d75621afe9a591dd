using System.Text;
using VzPanel.Agent.Engines.Host;

namespace VzPanel.Agent.Engines.Lxc;

/// <summary>
/// LXC's command-line tools for one lxcpath, each called with an argument list (decision 0009). Names
/// are instance UUIDs; nothing a person typed reaches an argument except as a whole argument of its own.
/// </summary>
public sealed class LxcTools(string lxcPath)
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(30);

    public string LxcPath { get; } = lxcPath;

    /// <summary>State and init PID in one `lxc-info` (with two fields it labels them: "State: RUNNING", "PID: 123").</summary>
    public async Task<LxcProbe> ProbeAsync(string name)
    {
        var result = await RunAsync("lxc-info", ["-n", name, "-s", "-p"], Quick);
        var state = "STOPPED";
        int? pid = null;
        foreach (var line in result.Succeeded ? result.StdoutText.Split('\n') : [])
        {
            var parts = line.Split(':', 2, StringSplitOptions.TrimEntries);
            if (parts is ["State", var value])
                state = value;
            else if (parts is ["PID", var number] && int.TryParse(number, out var parsed))
                pid = parsed;
        }
        return new LxcProbe(state, pid);
    }

    public async Task<string> StateAsync(string name) => (await ProbeAsync(name)).State;

    public async Task StartAsync(string name, TimeSpan timeout)
    {
        Ensure(await RunAsync("lxc-start", ["-n", name, "-d"], timeout), "lxc-start", name);
        Ensure(await RunAsync("lxc-wait", ["-n", name, "-s", "RUNNING", "-t", Seconds(timeout)], timeout + Quick), "lxc-wait", name);
    }

    /// <summary>Graceful: the template's halt signal to init, forced off after <paramref name="timeout"/>. Forced: SIGKILL at once.</summary>
    public async Task StopAsync(string name, TimeSpan? timeout)
    {
        string[] arguments = timeout is { } wait ? ["-n", name, "-t", Seconds(wait)] : ["-n", name, "-k"];
        var result = await RunAsync("lxc-stop", arguments, (timeout ?? TimeSpan.Zero) + Quick);
        // 2: it was not running, which is where a stop wants it.
        if (result.ExitCode != 2)
            Ensure(result, "lxc-stop", name);
    }

    public Task<ToolResult> AttachAsync(string name, IReadOnlyList<string> argv, TimeSpan timeout, byte[]? stdin = null,
        CancellationToken cancellationToken = default) =>
        RunAsync("lxc-attach", ["-n", name, "--clear-env", "--", .. argv], timeout, stdin, cancellationToken);

    /// <summary>Runs a command inside and fails with its error output unless it exits 0.</summary>
    public async Task<string> AttachCheckedAsync(string name, IReadOnlyList<string> argv, byte[]? stdin = null)
    {
        var result = await AttachAsync(name, argv, Quick, stdin);
        if (!result.Succeeded)
            throw new EngineException(EngineErrorCode.Failed,
                $"{argv[0]} inside the container failed ({(result.TimedOut ? "timed out" : $"exit {result.ExitCode}")}): {result.StderrText.Trim()}");
        return result.StdoutText;
    }

    private Task<ToolResult> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout, byte[]? stdin = null,
        CancellationToken cancellationToken = default) =>
        ToolProcess.RunAsync(tool, ["-P", LxcPath, .. arguments], timeout, stdin, cancellationToken);

    private static void Ensure(ToolResult result, string tool, string name)
    {
        if (result.Succeeded)
            return;
        var detail = new StringBuilder(result.TimedOut ? "timed out" : $"exit {result.ExitCode}");
        if (result.StderrText.Trim() is { Length: > 0 } stderr)
            detail.Append(": ").Append(stderr);
        throw new EngineException(result.TimedOut ? EngineErrorCode.Timeout : EngineErrorCode.Failed, $"{tool} {name}: {detail}");
    }

    private static string Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What `lxc-info` says of a container: LXC's state name and, while it runs, its init's PID on the host.</summary>
public sealed record LxcProbe(string State, int? InitPid);
