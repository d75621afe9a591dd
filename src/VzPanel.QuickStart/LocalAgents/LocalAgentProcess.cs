using System.Diagnostics;

namespace VzPanel.QuickStart.LocalAgents;

/// <summary>One `vzpanel-agent` child process, its output going to a log file in its data directory.</summary>
internal sealed class LocalAgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private LocalAgentProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public static LocalAgentProcess Start(string agentDll, string dataDirectory, IReadOnlyList<string> args)
    {
        Directory.CreateDirectory(dataDirectory);
        var log = new StreamWriter(Path.Combine(dataDirectory, "agent.log"), append: true) { AutoFlush = true };
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[agentDll, .. args]) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the agent.");
        var agent = new LocalAgentProcess(process, log);
        process.OutputDataReceived += (_, e) => agent.Write(e.Data);
        process.ErrorDataReceived += (_, e) => agent.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    public Task WaitAsync(CancellationToken ct) => _process.WaitForExitAsync(ct);

    public int ExitCode => _process.ExitCode;

    /// <summary>SIGTERM, so the agent stops cleanly; killed if it has not after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Ends an agent a crashed panel left behind (its pid is in the data directory).</summary>
    public static void StopLeftover(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile), out var pid)) return;
        try
        {
            using var old = Process.GetProcessById(pid);
            if (old.ProcessName == "dotnet") old.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // not running any more
        }
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_log) _log.WriteLine(line);
    }

    public void Dispose()
    {
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
