using BenchmarkDotNet.Attributes;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes.Heartbeats;

namespace VzPanel.Benchmarks.Micro;

/// <summary>One heartbeat of a node with 1,000 instances: the inventory against the node's report, a few of them drifted.</summary>
[MemoryDiagnoser]
public class DriftDetectorBenchmarks
{
    private static readonly DateTimeOffset Then = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
    private List<Instance> _inventory = [];
    private List<ReportedInstance> _agreeing = [];
    private List<ReportedInstance> _drifted = [];

    [GlobalSetup]
    public void Setup()
    {
        _inventory = Enumerable.Range(0, 1000).Select(i => new Instance
        {
            Name = $"ct-{i:0000}", Kind = InstanceKind.Ct, State = i % 10 == 0 ? InstanceState.Stopped : InstanceState.Running,
            MemoryMiB = 1024 + i % 8 * 512, MemoryGuaranteePercent = 50, VCpus = 1 + i % 4, CreatedAt = Then, UpdatedAt = Then,
        }).ToList();
        _agreeing = _inventory.Select(i => new ReportedInstance(i.Id, i.Name, i.Kind, i.State, i.MemoryMiB, i.VCpus)).ToList();
        // 2% other size, 1% other state, 1% missing on the node, 1% unknown to the inventory.
        _drifted = _agreeing.Select((r, n) => n % 50 == 0 ? r with { MemoryMiB = r.MemoryMiB * 2 } : n % 100 == 1 ? r with { State = InstanceState.Stopped } : r)
            .Where((_, n) => n % 100 != 2)
            .Concat(Enumerable.Range(0, 10).Select(n => new ReportedInstance(Guid.NewGuid(), $"stray-{n}", InstanceKind.Ct, InstanceState.Running, 512, 1)))
            .ToList();
    }

    [Benchmark(Description = "Compare: 1,000 instances, no drift")]
    public List<string> NoDrift() => DriftDetector.Compare(_inventory, _agreeing, Then.AddMinutes(1));

    [Benchmark(Description = "Compare: 1,000 instances, 5% drifted")]
    public List<string> Drifted() => DriftDetector.Compare(_inventory, _drifted, Then.AddMinutes(1));
}
