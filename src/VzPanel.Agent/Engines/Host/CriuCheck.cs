namespace VzPanel.Agent.Engines.Host;

/// <summary>
/// Whether CRIU can checkpoint and restore processes on this host (`criu check`), a node fact for the day live
/// container migration is built. Asked once per agent process: the kernel does not change under it.
/// </summary>
public static class CriuCheck
{
    public sealed record Result(bool Works, string Summary);

    private static readonly Lazy<Task<Result>> Cached = new(RunAsync);

    public static Task<Result> ResultAsync() => Cached.Value;

    private static async Task<Result> RunAsync()
    {
        try
        {
            var version = await ToolProcess.RunAsync("criu", ["--version"], TimeSpan.FromSeconds(10));
            var number = version.StdoutText.Split('\n').FirstOrDefault(l => l.StartsWith("Version:", StringComparison.Ordinal))?["Version:".Length..].Trim() ?? "?";
            var check = await ToolProcess.RunAsync("criu", ["check"], TimeSpan.FromSeconds(60));
            if (check.Succeeded)
                return new Result(true, $"{number}: `criu check` passes; this agent still moves containers cold");
            return new Result(false, $"{number}: `criu check` fails ({Reason(check)}); containers migrate cold");
        }
        catch (EngineException)
        {
            return new Result(false, "not installed; containers migrate cold");
        }
    }

    /// <summary>criu's most specific complaint: the first error that is not just "a helper exited".</summary>
    private static string Reason(ToolResult check)
    {
        var errors = check.StderrText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("Error", StringComparison.Ordinal) && !l.Contains("exited, status", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("): ", StringComparison.Ordinal) is var at and >= 0 ? at + 3 : 0)..]);
        return errors.FirstOrDefault() ?? $"exit {check.ExitCode}";
    }
}
