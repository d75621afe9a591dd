using System.Diagnostics;
using System.Text;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>The real `vzpanel-agent` (sim engine unless told otherwise) as its own process, enrolled with a join token from the panel.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"vzpanel-agent-{Guid.NewGuid():N}"[..25]);
    private readonly int _port = PanelProcess.FreePort();
    private Process? _process;
    private readonly StringBuilder _output = new();

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public async Task EnrollAsync(Uri panelAgentUrl, string token)
    {
        using var enroll = Start(["enroll", "--panel", panelAgentUrl.ToString().TrimEnd('/'), "--token", token, .. Common]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await enroll.WaitForExitAsync(timeout.Token);
        if (enroll.ExitCode != 0) throw new InvalidOperationException($"enroll exited with {enroll.ExitCode}:\n{Output}");
    }

    /// <summary>Simulated RAM (<c>--sim-ram</c>, as enroll and run are told); set before enrolling.</summary>
    public string SimRam { get; init; } = "8G";

    /// <summary>Simulated CPUs (<c>--sim-cpus</c>).</summary>
    public int SimCpus { get; init; } = 4;

    /// <summary>Engine options for enroll and run instead of the sim's (a libvirt node: <see cref="LibvirtTestScope.AgentArguments"/>).</summary>
    public IReadOnlyList<string>? EngineArguments { get; init; }

    /// <summary>The agent's data directory (credentials, journal, sim state); it survives <see cref="KillAsync"/>.</summary>
    public string DataDirectory => _dataDirectory;

    /// <summary>host:port of the agent's NodeAgent endpoint; the same across restarts.</summary>
    public string Address => $"127.0.0.1:{_port}";

    /// <summary>Runs the agent and waits for the line it prints once it listens.</summary>
    /// <param name="simArguments">Extra sim knobs for this run only, such as <c>--sim-hang create</c> or <c>--sim-latency demo</c>.</param>
    public async Task RunAsync(int heartbeatSeconds = 1, IReadOnlyList<string>? simArguments = null)
    {
        var printedBefore = Output.Length;   // a restarted agent must print the line again
        _process = Start(["run", "--heartbeat-seconds", heartbeatSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), .. Common,
            .. simArguments ?? []]);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Output.IndexOf("vzpanel-agent listening on", printedBefore, StringComparison.Ordinal) < 0)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The agent exited with {_process.ExitCode}:\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The agent did not start:\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>Stops the agent like an operator would (SIGTERM).</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
        _process = null;
    }

    /// <summary>Kills the agent abruptly (SIGKILL), as a crash or a power cut would; its data directory stays for a restart.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        using (var kill = Process.Start("kill", ["-KILL", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
        _process = null;
    }

    private string[] Common => ["--data-dir", _dataDirectory, "--listen", $"127.0.0.1:{_port}",
        .. EngineArguments ?? ["--engine", "sim", "--sim-ram", SimRam, "--sim-cpus", SimCpus.ToString(System.Globalization.CultureInfo.InvariantCulture)]];

    private Process Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[PanelProcess.AgentDll, .. args]) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            _process?.Kill(entireProcessTree: true);
        }
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }
}
