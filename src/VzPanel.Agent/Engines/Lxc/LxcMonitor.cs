using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace VzPanel.Agent.Engines.Lxc;

/// <summary>
/// Follows `lxc-monitor` for the lxcpath, so state changes nobody here asked for (a container that powered
/// itself off, someone using lxc-stop) still reach the panel. A line only says that something changed:
/// the engine then asks for the container's state, so late or reordered lines never publish a stale one.
/// Restarts the monitor if it dies.
/// </summary>
public sealed partial class LxcMonitor : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LxcMonitor(string lxcPath, Func<string, Task> changed, ILogger logger)
    {
        _loop = Task.Run(() => LoopAsync(lxcPath, changed, logger));
    }

    private async Task LoopAsync(string lxcPath, Func<string, Task> changed, ILogger logger)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(lxcPath, changed);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                logger.LogWarning(failure, "lxc-monitor for {LxcPath} failed; restarting it", lxcPath);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task FollowAsync(string lxcPath, Func<string, Task> changed)
    {
        var start = new ProcessStartInfo("lxc-monitor") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-P", lxcPath, "-n", ".*" })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            while (await process.StandardOutput.ReadLineAsync(_stop.Token) is { } line)
            {
                var match = StateLine().Match(line);
                if (match.Success)
                    await changed(match.Groups["name"].Value);
            }
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
        }
    }

    [GeneratedRegex(@"^'(?<name>[^']+)' changed state to \[")]
    private static partial Regex StateLine();

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends by cancellation.
        }
        _stop.Dispose();
    }
}
