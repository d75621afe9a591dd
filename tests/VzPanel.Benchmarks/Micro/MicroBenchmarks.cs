using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace VzPanel.Benchmarks.Micro;

/// <summary>
/// The `micro` command: BenchmarkDotNet's short run (1 launch, 3 warm-ups, 3 iterations) in this process, so it
/// builds nothing and finishes in a couple of minutes. Good for comparing before/after on one machine, not for
/// claims at the last nanosecond.
/// </summary>
public static class MicroBenchmarks
{
    public static readonly Type[] All = [typeof(PlacementBenchmarks), typeof(MemorySizeBenchmarks), typeof(DriftDetectorBenchmarks)];

    public static int Run(IReadOnlyList<string> filters)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(BenchPaths.Artifacts);
        if (filters.Count > 0) config = config.AddFilter(new GlobFilter([.. filters]));
        var summaries = BenchmarkRunner.Run(All, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
