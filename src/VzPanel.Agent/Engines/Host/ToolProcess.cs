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
        using var process = Start(tool, arguments);

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

    /// <summary>
    /// Runs a host tool whose input or output is too large to hold (tar of a root filesystem): <paramref name="feed"/>
    /// writes its stdin, which is closed when the feed returns; <paramref name="drain"/> reads its stdout (without one it
    /// is discarded). Stderr is captured. Has no deadline of its own; when the feed or drain fails or the token is
    /// cancelled, the tool and its descendants are killed and the failure propagates. The result holds no stdout.
    /// </summary>
    public static async Task<ToolResult> StreamAsync(string tool, IEnumerable<string> arguments, Func<Stream, CancellationToken, Task>? feed,
        Func<Stream, CancellationToken, Task>? drain, CancellationToken cancellationToken)
    {
        using var process = Start(tool, arguments);

        var stderr = CopyAsync(process.StandardError.BaseStream);
        var stdout = process.StandardOutput.BaseStream;
        try
        {
            using (cancellationToken.Register(() => Kill(process)))
            {
                await Task.WhenAll(
                    KillOnFailureAsync(process, () => FeedStreamAsync(process, feed, cancellationToken)),
                    KillOnFailureAsync(process, () => drain is null ? stdout.CopyToAsync(Stream.Null, cancellationToken) : drain(stdout, cancellationToken)));
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Killed for the cancellation: whatever broke in the pumps then is a consequence, not the cause.
            throw new OperationCanceledException(cancellationToken);
        }
        finally
        {
            await process.WaitForExitAsync(CancellationToken.None);
        }
        var errors = await Task.WhenAny(stderr, Task.Delay(PipeGrace, CancellationToken.None)) == stderr ? await stderr : [];
        return new ToolResult(process.ExitCode, [], errors, TimedOut: false);
    }

    private static Process Start(string tool, IEnumerable<string> arguments)
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

        var process = new Process { StartInfo = start };
        try
        {
            process.Start();
            return process;
        }
        catch (System.ComponentModel.Win32Exception failure)
        {
            process.Dispose();
            throw new EngineException(EngineErrorCode.Unavailable, $"{tool} could not be started ({failure.Message}); is it installed?");
        }
    }

    private static async Task FeedStreamAsync(Process process, Func<Stream, CancellationToken, Task>? feed, CancellationToken cancellationToken)
    {
        try
        {
            if (feed is not null)
                await feed(process.StandardInput.BaseStream, cancellationToken);
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The tool exited without reading all of its input; its exit code says why.
            }
        }
    }

    private static async Task KillOnFailureAsync(Process process, Func<Task> pump)
    {
        try
        {
            await pump();
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has already exited.
        }
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
