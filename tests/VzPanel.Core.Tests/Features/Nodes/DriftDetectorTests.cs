using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes.Heartbeats;

namespace VzPanel.Core.Tests.Features.Nodes;

public sealed class DriftDetectorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static Instance Row(string name, InstanceState state, long memory = 1024, DateTimeOffset? updated = null) => new()
    {
        Name = name, State = state, MemoryMiB = memory, VCpus = 1, UpdatedAt = updated ?? T0,
    };

    private static ReportedInstance Seen(Instance i, InstanceState? state = null, long? memory = null) =>
        new(i.Id, i.Name, i.Kind, state ?? i.State, memory ?? i.MemoryMiB, i.VCpus);

    [Fact]
    public void Compare_Agreement_IsNoDrift()
    {
        var web = Row("web", InstanceState.Running);

        DriftDetector.Compare([web], [Seen(web)]).ShouldBeEmpty();
    }

    [Fact]
    public void Compare_Disagreements_AreSaidInWords()
    {
        var stopped = Row("a-stopped", InstanceState.Running);
        var big = Row("b-big", InstanceState.Running, memory: 1024);
        var gone = Row("c-gone", InstanceState.Stopped);
        var stranger = new ReportedInstance(Guid.NewGuid(), "stray", InstanceKind.Vm, InstanceState.Running, 512, 1);

        var drift = DriftDetector.Compare([stopped, big, gone], [Seen(stopped, InstanceState.Stopped), Seen(big, memory: 2048), stranger]);

        drift.ShouldBe([
            "a-stopped: inventory says Running, node says Stopped",
            "b-big: inventory says 1024 MiB, node says 2048 MiB",
            "c-gone: in the inventory, but the node does not have it",
            $"stray ({stranger.Id}): runs on the node, unknown to the inventory",
        ]);
    }

    [Fact]
    public void Compare_RowsInFlightOrChangedAfterTheSnapshot_AreNotJudged()
    {
        var provisioning = Row("new", InstanceState.Provisioning);
        var justStarted = Row("fresh", InstanceState.Running, updated: T0.AddSeconds(2));

        DriftDetector.Compare([provisioning, justStarted], [Seen(justStarted, InstanceState.Stopped)], snapshotAt: T0.AddSeconds(1)).ShouldBeEmpty();
    }

    [Fact]
    public void Compare_ServersWithAnOperationUnderWay_AreLeftToTheirJob()
    {
        var resizing = Row("resizing", InstanceState.Running, memory: 1024);
        var creating = Row("creating", InstanceState.Provisioning);
        var settled = Row("settled", InstanceState.Running, memory: 1024);

        var drift = DriftDetector.Compare([resizing, creating, settled],
            [Seen(resizing, memory: 4096), Seen(creating, InstanceState.Stopped), Seen(settled, memory: 2048)], inFlight: new HashSet<Guid> { resizing.Id });

        drift.ShouldBe(["settled: inventory says 1024 MiB, node says 2048 MiB"]);
    }

    [Fact]
    public void Compare_ACopyOfAServerBeingMigrated_IsNotAStranger_ButOtherStrangersAre()
    {
        var moving = new ReportedInstance(Guid.NewGuid(), "moving", InstanceKind.Vm, InstanceState.Running, 1024, 1);
        var stranger = new ReportedInstance(Guid.NewGuid(), "stray", InstanceKind.Ct, InstanceState.Running, 512, 1);

        var drift = DriftDetector.Compare([], [moving, stranger], inFlight: new HashSet<Guid> { moving.Id });

        drift.ShouldBe([$"stray ({stranger.Id}): runs on the node, unknown to the inventory"]);
    }
}
