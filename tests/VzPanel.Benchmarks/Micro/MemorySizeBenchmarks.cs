using BenchmarkDotNet.Attributes;
using VzPanel.Core.Common;
using VzPanel.Shared;

namespace VzPanel.Benchmarks.Micro;

/// <summary>Parsing sizes the prlctl way: every API memory change and every create parses one.</summary>
[MemoryDiagnoser]
public class MemorySizeBenchmarks
{
    [Params("512M", "2G", "1048576K", "4096", "2GiB")]
    public string Text { get; set; } = "";

    [Benchmark(Description = "MemorySize.Parse")]
    public Result<MemorySize> Parse() => MemorySize.Parse(Text);
}
