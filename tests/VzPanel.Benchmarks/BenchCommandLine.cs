using System.CommandLine;
using VzPanel.Benchmarks.Load;
using VzPanel.Benchmarks.Micro;

namespace VzPanel.Benchmarks;

/// <summary>`VzPanel.Benchmarks load|micro|all`: the load harness, the micro-benchmarks, or both. Exit codes: 0 ok, 1 failed, 2 bad usage.</summary>
public static class BenchCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var load = new LoadOptionSet();
        var filter = new Option<string[]>("--filter") { Description = "Only micro-benchmarks whose full name matches one of these globs (e.g. *Placement*)" };
        var root = new RootCommand("VzPanel benchmarks: job latency and throughput through a real panel, and micro-benchmarks of hot pure code")
        {
            Command("load", "Start a panel, sim agents (zero latency) and a throwaway PostgreSQL; measure enqueue-to-start latency and jobs per second",
                load.All, (parsed, ct) => WithLoadOptions(load, parsed, options => LoadBenchmark.RunAsync(options, ct))),
            Command("micro", "BenchmarkDotNet micro-benchmarks (short runs): Placement.Choose, MemorySize.Parse, DriftDetector.Compare",
                [filter], (parsed, _) => Task.FromResult(MicroBenchmarks.Run(parsed.GetValue(filter) ?? []))),
            Command("all", "load, then micro", [.. load.All, filter], (parsed, ct) => WithLoadOptions(load, parsed, async options =>
                Math.Max(await LoadBenchmark.RunAsync(options, ct), MicroBenchmarks.Run(parsed.GetValue(filter) ?? [])))),
        };
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) await Console.Error.WriteLineAsync($"bench: {error.Message}");
            return 2;
        }
        // Ctrl+C cancels the run; the harness then stops the panel, agents and database it started, which takes a while.
        return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(90) });
    }

    /// <summary>Reads the load options, then runs; a malformed one (a --set without '=') is a usage error.</summary>
    private static async Task<int> WithLoadOptions(LoadOptionSet set, ParseResult parsed, Func<LoadOptions, Task<int>> run)
    {
        LoadOptions options;
        try
        {
            options = set.Read(parsed);
        }
        catch (ArgumentException bad)
        {
            await Console.Error.WriteLineAsync($"bench: {bad.Message}");
            return 2;
        }
        return await run(options);
    }

    private static Command Command(string name, string description, IEnumerable<Option> options, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        var command = new Command(name, description);
        foreach (var option in options) command.Options.Add(option);
        command.SetAction(action);
        return command;
    }
}
