using BenchmarkDotNet.Attributes;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;

namespace VzPanel.Benchmarks.Micro;

/// <summary>Placing a new server on a fleet of 1,000 nodes: every node is judged, then the one with the most headroom wins.</summary>
[MemoryDiagnoser]
public class PlacementBenchmarks
{
    private List<NodeLoad> _fleet = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _fleet = Enumerable.Range(0, 1000).Select(i =>
        {
            var node = new Node
            {
                Name = $"node-{i:0000}", ManagementAddress = $"10.0.{i / 250}.{i % 250 + 1}:7443", Engine = EngineKind.Sim, CpuCount = 32,
                RamMiB = 256 * 1024, HostReserveMiB = 4096, OvercommitRatio = 1.5m,
                State = i % 50 == 0 ? NodeState.Offline : NodeState.Online,   // a few down, so some refusals are written
            };
            var guaranteed = random.NextInt64(0, node.GuaranteeableMiB);
            return new NodeLoad(node, guaranteed, guaranteed + random.NextInt64(0, 64 * 1024));
        }).ToList();
    }

    [Benchmark(Description = "Choose: 1,000 nodes, fits")]
    public Result<NodeLoad> Fits() => Placement.Choose(_fleet, InstanceKind.Ct, memoryMiB: 4096, guaranteedMiB: 2048);

    /// <summary>Nothing fits: every node writes its refusal, the worst case for the message building.</summary>
    [Benchmark(Description = "Choose: 1,000 nodes, none fits")]
    public Result<NodeLoad> NoneFits() => Placement.Choose(_fleet, InstanceKind.Ct, memoryMiB: 512 * 1024, guaranteedMiB: 512 * 1024);
}
