using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace VzPanel.Agent.Tests.Support;

/// <summary>The real `vzpanel-agent` (dotnet vzpanel-agent.dll) as a child process, with its output captured.</summary>
public sealed partial class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vzpanel-agent.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _exited.TrySetResult(_process.ExitCode);
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public Task<int> Exited => _exited.Task;

    private readonly AsyncCondition _lines = new();

    public Task WaitForOutputAsync(string text) =>
        _lines.WaitUntilAsync(() => Output.Contains(text, StringComparison.Ordinal), TimeSpan.FromSeconds(20), () => Output);

    /// <summary>Starts `run` and waits for the "listening on" line; returns once the agent serves.</summary>
    public static async Task<(AgentProcess Process, string Address)> StartRunAsync(string dataDirectory, params string[] extra)
    {
        var agent = Start(["run", "--data-dir", dataDirectory, "--listen", "127.0.0.1:0", .. extra]);
        var ready = await Task.WhenAny(agent._ready.Task, agent._exited.Task).WaitAsync(TimeSpan.FromSeconds(30));
        if (ready != agent._ready.Task)
            throw new InvalidOperationException("the agent exited before it listened:\n" + agent.Output);
        return (agent, await agent._ready.Task);
    }

    /// <summary>Runs a command to completion (e.g. `enroll`) and returns its exit code.</summary>
    public static async Task<(int ExitCode, string Output)> RunToEndAsync(params string[] arguments)
    {
        await using var agent = Start(arguments);
        var code = await agent.Exited.WaitAsync(TimeSpan.FromSeconds(60));
        agent._process.WaitForExit(); // drains the output pipes
        return (code, agent.Output);
    }

    private static AgentProcess Start(string[] arguments)
    {
        var agent = new AgentProcess(arguments);
        agent._process.Start();
        agent._process.BeginOutputReadLine();
        agent._process.BeginErrorReadLine();
        return agent;
    }

    /// <summary>Kills the agent the hard way (SIGKILL): the journal must survive that.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
        _lines.Notify();
        var match = ListeningLine().Match(line);
        if (match.Success)
            _ready.TrySetResult(match.Groups[1].Value);
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    [GeneratedRegex(@"vzpanel-agent listening on (\S+)")]
    private static partial Regex ListeningLine();
}
