using System.Diagnostics;
using System.Text;

namespace VzPanel.Agent.Engines.Host;

/// <summary>What a host tool did: its exit code, captured output and whether it ran out of time.</summary>
public sealed record ToolResult(int ExitCode, byte[] Stdout, byte[] Stderr, bool TimedOut)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);
    public string StderrText => Encoding.UTF8.GetString(Stderr);
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>
/// Runs a host tool from an argument list (never a shell string), feeds it stdin, captures stdout and
/// stderr, and kills it with all its descendants at the timeout (lxc-attach's command is its child, and
/// a SIGTERM alone lets lxc-attach exit while the command lives on inside the container).
/// </summary>
public static class ToolProcess
{
    /// <summary>How long a killed tool's output may take to end; a process that escaped the kill could hold it open.</summary>
    private static readonly TimeSpan PipeGrace = TimeSpan.FromSeconds(2);


    public static async Task<ToolResult> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout, byte[]? stdin = null,
        CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception failure)
        {
            throw new EngineException(EngineErrorCode.Unavailable, $"{tool} could not be started ({failure.Message}); is it installed?");
        }

        var stdout = CopyAsync(process.StandardOutput.BaseStream);
        var stderr = CopyAsync(process.StandardError.BaseStream);
        await FeedAsync(process, stdin);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
        }
        if (timedOut)
        {
            var output = Task.WhenAll(stdout, stderr);
            if (await Task.WhenAny(output, Task.Delay(PipeGrace, CancellationToken.None)) != output)
                return new ToolResult(-1, [], [], TimedOut: true);
        }
        return new ToolResult(timedOut ? -1 : process.ExitCode, await stdout, await stderr, timedOut);
    }

    private static async Task FeedAsync(Process process, byte[]? stdin)
    {
        try
        {
            if (stdin is { Length: > 0 })
                await process.StandardInput.BaseStream.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The tool exited without reading its input; its exit code says why.
        }
    }

    private static async Task<byte[]> CopyAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
