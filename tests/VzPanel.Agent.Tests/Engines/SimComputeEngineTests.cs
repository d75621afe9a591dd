using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Sim;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>What only the simulator promises: exact accounting, persistence and fault injection.</summary>
public sealed class SimComputeEngineTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SimOptions Options(Action<SimOptions>? change = null)
    {
        var options = new SimOptions { NodeName = "sim-2", RamMib = 8192, HostReserveMib = 307, CpuCount = 4, StateDirectory = _data.Path };
        change?.Invoke(options);
        return options;
    }

    private static SimComputeEngine Engine(SimOptions options, Action? crash = null) =>
        new(options, crash ?? (() => throw new InvalidOperationException("unexpected crash")));

    private static InstanceDefinition Definition(string name, long memoryMib, int guarantee = 100) =>
        new(Guid.NewGuid().ToString(), name, InstanceKind.VirtualMachine, "debian-12-x86_64", memoryMib, guarantee, 1, 10);

    private static string Op() => Guid.NewGuid().ToString();

    [Fact]
    public async Task Start_GuaranteesBeyondRamMinusReserve_RefusesWithExactNumbers()
    {
        var engine = Engine(Options());
        var first = await engine.CreateAsync(Definition("first", 4096), Op(), Ct);
        var second = await engine.CreateAsync(Definition("second", 4000), Op(), Ct);
        await engine.StartAsync(first.Id, Op(), Ct);

        var refusal = await Should.ThrowAsync<EngineException>(() => engine.StartAsync(second.Id, Op(), Ct));

        refusal.Code.ShouldBe(EngineErrorCode.InsufficientResources);
        refusal.Message.ShouldBe("node sim-2: guarantees would reach 103% of RAM minus the host reserve (7.9 GiB of 7.7 GiB)");
    }

    [Fact]
    public async Task SetMemory_RaiseOnRunningBeyondGuarantees_RefusedAndUnchanged()
    {
        var engine = Engine(Options());
        var instance = await engine.CreateAsync(Definition("big", 4096), Op(), Ct);
        await engine.StartAsync(instance.Id, Op(), Ct);

        var refusal = await Should.ThrowAsync<EngineException>(() => engine.SetMemoryAsync(instance.Id, 8000, Op(), Ct));

        refusal.Code.ShouldBe(EngineErrorCode.InsufficientResources);
        refusal.Message.ShouldBe("node sim-2: guarantees would reach 101% of RAM minus the host reserve (7.8 GiB of 7.7 GiB)");
        (await engine.ListInstancesAsync(Ct)).Single().MemoryMib.ShouldBe(4096);
    }

    [Fact]
    public async Task SetMemory_ShrinkBelowSimulatedUse_RefusedWithNumbers()
    {
        var engine = Engine(Options());
        var instance = await engine.CreateAsync(Definition("web", 1024, guarantee: 0), Op(), Ct);
        await engine.StartAsync(instance.Id, Op(), Ct);

        var refusal = await Should.ThrowAsync<EngineException>(() => engine.SetMemoryAsync(instance.Id, 200, Op(), Ct));

        refusal.Code.ShouldBe(EngineErrorCode.WrongState);
        refusal.Message.ShouldBe("instance web uses 320 MiB; memory cannot shrink to 200 MiB");
    }

    [Fact]
    public async Task GetCounters_RunningInstance_ReportsPhysPagesInFourKibPages()
    {
        var engine = Engine(Options());
        var instance = await engine.CreateAsync(Definition("web", 1024, guarantee: 50), Op(), Ct);
        await engine.StartAsync(instance.Id, Op(), Ct);

        var counters = await engine.GetCountersAsync(instance.Id, Ct);

        var physpages = counters.Counters.Single(c => c.Resource == "physpages");
        physpages.Held.ShouldBe(320 * 256);
        physpages.Limit.ShouldBe(1024 * 256);
        counters.Counters.Single(c => c.Resource == "oomguarpages").Barrier.ShouldBe(512 * 256);
        counters.Counters.Single(c => c.Resource == "numproc").Held.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task NewEngine_SameDataDirectory_SeesInstancesAsTheyWere()
    {
        var first = Engine(Options());
        var instance = await first.CreateAsync(Definition("persisted", 2048, guarantee: 25), Op(), Ct);
        await first.StartAsync(instance.Id, Op(), Ct);
        await first.SetVCpusAsync(instance.Id, 3, Op(), Ct);
        await first.SetUserPasswordAsync(instance.Id, "root", "s3cret-never-stored", Op(), Ct);

        var second = Engine(Options());
        var reloaded = (await second.ListInstancesAsync(Ct)).ShouldHaveSingleItem();

        (reloaded.Id, reloaded.Name, reloaded.State, reloaded.MemoryMib, reloaded.MemoryGuaranteePercent, reloaded.VCpus, reloaded.MemoryUsedMib)
            .ShouldBe((instance.Id, "persisted", InstanceState.Running, 2048L, 25, 3, 576L));
        (await second.GetNodeInfoAsync(Ct)).GuaranteedMib.ShouldBe(512);
        (await second.ListVolumesAsync(null, Ct)).ShouldHaveSingleItem().InstanceId.ShouldBe(instance.Id);
        (await File.ReadAllTextAsync(Path.Combine(_data.Path, "state.json"), Ct)).ShouldNotContain("s3cret");
    }

    [Fact]
    public async Task FailRate_WithSeed_FailsThatShareReproducibly()
    {
        async Task<List<int>> FailuresAsync(string directory)
        {
            var engine = Engine(Options(o => { o.StateDirectory = directory; o.FailRate = 0.25; o.Seed = 7; }));
            var failures = new List<int>();
            var instanceId = "";
            while (instanceId == "")
            {
                try { instanceId = (await engine.CreateAsync(Definition("dice", 512, 0), Op(), Ct)).Id; }
                catch (EngineException) { }
            }
            for (var i = 0; i < 400; i++)
            {
                try { await engine.SetVCpusAsync(instanceId, 1 + i % 4, Op(), Ct); }
                catch (EngineException failure) when (failure.Code == EngineErrorCode.Unavailable) { failures.Add(i); }
            }
            return failures;
        }
        using var otherDirectory = new TempDirectory();

        var first = await FailuresAsync(_data.Path);
        var second = await FailuresAsync(otherDirectory.Path);

        first.Count.ShouldBeInRange(70, 130);
        second.ShouldBe(first);
    }

    [Fact]
    public async Task HangingOperation_Cancelled_ThrowsAndLeavesStateUnchanged()
    {
        var engine = Engine(Options(o => o.HangOperations.Add(SimOperation.Start)));
        var instance = await engine.CreateAsync(Definition("stuck", 512, 0), Op(), Ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var start = engine.StartAsync(instance.Id, Op(), cancel.Token);
        await Task.Yield();
        start.IsCompleted.ShouldBeFalse();
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => start);
        (await engine.ListInstancesAsync(Ct)).Single().State.ShouldBe(InstanceState.Stopped);
    }

    [Fact]
    public async Task CrashAfter_TwoOperations_CrashesOnTheThird()
    {
        var crashes = 0;
        var engine = Engine(Options(o => o.CrashAfterOperations = 2), () => { crashes++; throw new InvalidOperationException("crashed"); });
        var instance = await engine.CreateAsync(Definition("doomed", 512, 0), Op(), Ct);
        await engine.StartAsync(instance.Id, Op(), Ct);

        await Should.ThrowAsync<InvalidOperationException>(() => engine.StopAsync(instance.Id, StopMode.Forced, TimeSpan.Zero, Op(), Ct));

        crashes.ShouldBe(1);
    }

    [Fact]
    public async Task DemoLatency_Start_PassesThroughStartingForAboutThreeHundredMilliseconds()
    {
        var engine = Engine(Options(o => o.Latency = SimLatencyProfile.Demo));
        var instance = await engine.CreateAsync(Definition("slow", 512, 0), Op(), Ct);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var start = engine.StartAsync(instance.Id, Op(), Ct);
        (await engine.ListInstancesAsync(Ct)).Single().State.ShouldBe(InstanceState.Starting);
        await start;

        watch.ElapsedMilliseconds.ShouldBeGreaterThanOrEqualTo(280);
        (await engine.ListInstancesAsync(Ct)).Single().State.ShouldBe(InstanceState.Running);
    }

    [Fact]
    public async Task GracefulStop_TimeoutShorterThanShutdown_PowersOff()
    {
        var engine = Engine(Options(o => o.Latency = SimLatencyProfile.Demo));
        var instance = await engine.CreateAsync(Definition("stubborn", 512, 0), Op(), Ct);
        await engine.StartAsync(instance.Id, Op(), Ct);
        await using var events = await EventRecorder.StartAsync(engine, Ct);

        var stopped = await engine.StopAsync(instance.Id, StopMode.Graceful, TimeSpan.FromMilliseconds(50), Op(), Ct);

        stopped.State.ShouldBe(InstanceState.Stopped);
        await events.WaitForAsync(e => e.Kind == EngineEventKind.Progress && e.Message.StartsWith("graceful shutdown timed out", StringComparison.Ordinal));
    }

    public void Dispose() => _data.Dispose();
}
