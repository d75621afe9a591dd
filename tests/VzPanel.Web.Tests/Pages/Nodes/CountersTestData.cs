using VzPanel.Core.Common;
using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Web.Tests.Pages.Nodes;

/// <summary>Counter rows as a sim node reports them for a running 2 GiB container using 300 MiB.</summary>
internal static class CountersTestData
{
    public const long Unlimited = long.MaxValue;
    public static readonly DateTimeOffset ReadAt = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public static InstanceCountersView Running(string name, long physFailures = 0, long oomKills = 0, InstanceState state = InstanceState.Running) =>
        new(Guid.NewGuid(), name, state,
        [
            new("physpages", 300 * 256, 420 * 256, 0, 2048 * 256, physFailures, CounterUnits.Pages),
            new("swappages", 0, 0, 0, 0, 0, CounterUnits.Pages),
            new("oomguarpages", 300 * 256, 420 * 256, 1024 * 256, Unlimited, 0, CounterUnits.Pages),
            new("numproc", 16, 16, Unlimited, Unlimited, 0, CounterUnits.Count),
            new("kmemsize", 300L * 256 * 64, 420L * 256 * 64, Unlimited, 1L << 60, 0, CounterUnits.Bytes),
        ], oomKills, null, ReadAt);
}

/// <summary>Answers what the test sets and counts the reads.</summary>
internal sealed class FakeCounterQueries : ICounterQueries
{
    public Result<NodeCountersView> Node { get; set; } =
        new NodeCountersView(Guid.NewGuid(), "sim-1", [CountersTestData.Running("acme-web")], 0, CountersTestData.ReadAt);

    public Result<InstanceCountersView> Instance { get; set; } = CountersTestData.Running("acme-web");
    public int NodeReads { get; private set; }
    public int InstanceReads { get; private set; }

    public Task<Result<NodeCountersView>> GetNodeAsync(Guid nodeId, CancellationToken ct)
    {
        NodeReads++;
        return Task.FromResult(Node);
    }

    public Task<Result<InstanceCountersView>> GetInstanceAsync(Guid instanceId, CancellationToken ct)
    {
        InstanceReads++;
        return Task.FromResult(Instance);
    }
}
