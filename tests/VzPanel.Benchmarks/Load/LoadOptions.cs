using System.CommandLine;

namespace VzPanel.Benchmarks.Load;

/// <summary>How big the load run is, and extra settings for the panel process (to compare job settings).</summary>
public sealed record LoadOptions
{
    /// <summary>Sequential memory changes on one idle server (the enqueue-to-start sample).</summary>
    public int IdleChanges { get; init; } = 200;

    /// <summary>Changes before the sample starts, not counted (JIT, connection pools).</summary>
    public int Warmup { get; init; } = 10;

    /// <summary>Pause after one change finished before the next is sent, so the panel's job system is at rest.</summary>
    public int GapMilliseconds { get; init; } = 50;

    public int Servers { get; init; } = 50;
    public int ChangesPerServer { get; init; } = 20;
    public int Agents { get; init; } = 3;

    /// <summary>The panel's connection pool size; null keeps the database's connection string as it is (60 for the throwaway cluster).</summary>
    public int? PoolSize { get; init; }

    /// <summary>Environment for the panel, e.g. Jobs__Workers=40 or Jobs__QueuePollMilliseconds=100.</summary>
    public IReadOnlyDictionary<string, string> PanelSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the Markdown report is written besides the console.</summary>
    public string OutputPath { get; init; } = Path.Combine(BenchPaths.Artifacts, "load-report.md");
}

/// <summary>The command-line options of <see cref="LoadOptions"/>, shared by `load` and `all`.</summary>
public sealed class LoadOptionSet
{
    private readonly Option<int> _changes = new("--changes") { Description = "Sequential changes on an idle panel (enqueue-to-start sample)", DefaultValueFactory = _ => 200 };
    private readonly Option<int> _warmup = new("--warmup") { Description = "Uncounted changes first", DefaultValueFactory = _ => 10 };
    private readonly Option<int> _gap = new("--gap-ms") { Description = "Pause between sequential changes", DefaultValueFactory = _ => 50 };
    private readonly Option<int> _servers = new("--servers") { Description = "Servers changed concurrently (throughput)", DefaultValueFactory = _ => 50 };
    private readonly Option<int> _perServer = new("--changes-per-server") { Description = "Changes per server, one at a time each", DefaultValueFactory = _ => 20 };
    private readonly Option<int> _agents = new("--agents") { Description = "Sim agents (8 GiB, 4 CPUs each)", DefaultValueFactory = _ => 3 };
    private readonly Option<int?> _pool = new("--pool-size") { Description = "Max Pool Size of the panel's connection string (default: as given; 60 for the throwaway cluster)" };
    private readonly Option<string[]> _set = new("--set") { Description = "Panel setting as environment KEY=VALUE (repeatable), e.g. Jobs__Workers=40" };
    private readonly Option<string> _output = new("--output")
    {
        Description = "Also write the Markdown report to this file", DefaultValueFactory = _ => Path.Combine(BenchPaths.Artifacts, "load-report.md"),
    };

    public IReadOnlyList<Option> All => [_changes, _warmup, _gap, _servers, _perServer, _agents, _pool, _set, _output];

    public LoadOptions Read(ParseResult parsed) => new()
    {
        IdleChanges = Math.Max(1, parsed.GetValue(_changes)),
        Warmup = Math.Max(0, parsed.GetValue(_warmup)),
        GapMilliseconds = Math.Max(0, parsed.GetValue(_gap)),
        Servers = Math.Max(1, parsed.GetValue(_servers)),
        ChangesPerServer = Math.Max(1, parsed.GetValue(_perServer)),
        Agents = Math.Clamp(parsed.GetValue(_agents), 1, 10),
        PoolSize = parsed.GetValue(_pool) is { } pool ? Math.Clamp(pool, 10, 1000) : null,
        PanelSettings = (parsed.GetValue(_set) ?? []).Select(Setting).ToDictionary(s => s.Key, s => s.Value),
        OutputPath = parsed.GetValue(_output)!,
    };

    private static KeyValuePair<string, string> Setting(string text) =>
        text.Split('=', 2) is [var key, var value] && key.Length > 0
            ? new(key, value)
            : throw new ArgumentException($"--set expects KEY=VALUE, not '{text}'.");
}
