using VzPanel.Agent.Engines;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>
/// What every engine must do. A test class per engine derives from this and supplies the engine
/// (sim in-process, sim over gRPC; libvirt and LXC later). Each test gets a fresh engine.
/// </summary>
public abstract partial class ComputeEngineContractTests : IAsyncLifetime
{
    protected IComputeEngine Engine { get; private set; } = null!;
    protected EventRecorder Recorder { get; private set; } = null!;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh, empty node with at least 2 CPUs and 3 GiB RAM for guarantees.</summary>
    protected abstract Task<IComputeEngine> CreateEngineAsync();

    /// <summary>What the engine runs: the sim takes either kind; libvirt runs VMs, LXC containers.</summary>
    protected virtual InstanceKind Kind => InstanceKind.Container;

    /// <summary>A template the engine has (a real engine needs it in its template cache).</summary>
    protected virtual string Template => "debian-12-x86_64";

    /// <summary>How the engine stores an instance's disk: QCOW2 images for VMs (and the sim), a folder for LXC.</summary>
    protected virtual string VolumeFormat => "qcow2";

    protected virtual Task DisposeEngineAsync(IComputeEngine engine) => Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        Engine = await CreateEngineAsync();
        try
        {
            Recorder = await EventRecorder.StartAsync(Engine, Ct);
        }
        catch
        {
            // xunit does not dispose a test whose initialization failed; the engine must not leak.
            await DisposeEngineAsync(Engine);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Recorder is not null)
            await Recorder.DisposeAsync();
        if (Engine is not null)
            await DisposeEngineAsync(Engine);
    }

    protected static string Op() => Guid.NewGuid().ToString();

    protected InstanceDefinition Definition(string name = "web", long memoryMib = 1024, int guarantee = 0, int vcpus = 1) =>
        new(Guid.NewGuid().ToString(), name, Kind, Template, memoryMib, guarantee, vcpus, 10, name + ".example", ["192.0.2.10"]);

    protected async Task<InstanceInfo> CreateRunningAsync(InstanceDefinition? definition = null)
    {
        var created = await Engine.CreateAsync(definition ?? Definition(), Op(), Ct);
        return await Engine.StartAsync(created.Id, Op(), Ct);
    }

    protected static async Task<EngineException> RefusedAsync(Func<Task> call, EngineErrorCode code)
    {
        var refusal = await Should.ThrowAsync<EngineException>(call);
        refusal.Code.ShouldBe(code, refusal.Message);
        return refusal;
    }

    [Fact]
    public async Task GetNodeInfo_EmptyNode_ReportsCapacity()
    {
        var node = await Engine.GetNodeInfoAsync(Ct);

        node.CpuCount.ShouldBeGreaterThanOrEqualTo(2);
        node.RamMib.ShouldBeGreaterThan(node.HostReserveMib);
        node.GuaranteedMib.ShouldBe(0);
        node.AgentVersion.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Lifecycle_CreateStartResizeExecStopDelete_EachStepTakesEffect()
    {
        var definition = Definition(memoryMib: 1024, guarantee: 20, vcpus: 1);

        var created = await Engine.CreateAsync(definition, Op(), Ct);
        created.State.ShouldBe(InstanceState.Stopped);
        (await Engine.ListInstancesAsync(Ct)).Select(i => i.Id).ShouldContain(definition.Id);
        (await Engine.ListVolumesAsync(null, Ct)).ShouldContain(v => v.InstanceId == definition.Id);

        var running = await Engine.StartAsync(definition.Id, Op(), Ct);
        running.State.ShouldBe(InstanceState.Running);
        await Recorder.WaitForAsync(e => e.InstanceId == definition.Id && e.State == InstanceState.Running);
        Recorder.StatesOf(definition.Id).ShouldContain(InstanceState.Starting);

        (await Engine.SetMemoryAsync(definition.Id, 2048, Op(), Ct)).MemoryMib.ShouldBe(2048);
        (await Engine.SetMemoryAsync(definition.Id, 1536, Op(), Ct)).MemoryMib.ShouldBe(1536);
        (await Engine.SetMemoryGuaranteeAsync(definition.Id, 50, Op(), Ct)).MemoryGuaranteePercent.ShouldBe(50);
        (await Engine.GetNodeInfoAsync(Ct)).GuaranteedMib.ShouldBe(768);
        (await Engine.SetVCpusAsync(definition.Id, 2, Op(), Ct)).VCpus.ShouldBe(2);

        var echo = await Engine.ExecAsync(definition.Id, new ExecCommand(["echo", "hello", "node"], TimeSpan.FromSeconds(10)), null, Ct);
        echo.ExitCode.ShouldBe(0);
        System.Text.Encoding.UTF8.GetString(echo.Stdout).ShouldBe("hello node\n");

        var counters = await Engine.GetCountersAsync(definition.Id, Ct);
        var physpages = counters.Counters.Single(c => c.Resource == "physpages");
        physpages.Limit.ShouldBe(1536L * 256);
        physpages.Held.ShouldBeGreaterThan(0);
        physpages.Unit.ShouldBe("pages");

        (await Engine.StopAsync(definition.Id, StopMode.Graceful, TimeSpan.FromSeconds(30), Op(), Ct)).State.ShouldBe(InstanceState.Stopped);
        await Engine.StartAsync(definition.Id, Op(), Ct);
        (await Engine.StopAsync(definition.Id, StopMode.Forced, TimeSpan.Zero, Op(), Ct)).State.ShouldBe(InstanceState.Stopped);
        (await Engine.GetNodeInfoAsync(Ct)).GuaranteedMib.ShouldBe(0);

        await Engine.DeleteAsync(definition.Id, keepVolumes: false, Op(), Ct);
        (await Engine.ListInstancesAsync(Ct)).ShouldNotContain(i => i.Id == definition.Id);
        (await Engine.ListVolumesAsync(null, Ct)).ShouldNotContain(v => v.InstanceId == definition.Id);
        Recorder.StatesOf(definition.Id).ShouldContain(InstanceState.Stopping);
    }

    [Fact]
    public async Task Restart_RunningInstance_GoesThroughStopAndStartAndRuns()
    {
        var instance = await CreateRunningAsync();

        var restarted = await Engine.RestartAsync(instance.Id, Op(), Ct);

        restarted.State.ShouldBe(InstanceState.Running);
        await Recorder.WaitForAsync(_ => Recorder.StatesOf(instance.Id).Count(s => s == InstanceState.Running) >= 2);
        var states = Recorder.StatesOf(instance.Id);
        states.TakeLast(4).ShouldBe([InstanceState.Stopping, InstanceState.Stopped, InstanceState.Starting, InstanceState.Running]);
    }

    [Fact]
    public async Task Operations_WithOperationId_AnnounceSuccessAndFailure()
    {
        var created = await Engine.CreateAsync(Definition(), Op(), Ct);
        var startOp = Op();
        var stopOp = Op();

        await Engine.StartAsync(created.Id, startOp, Ct);
        await Should.ThrowAsync<EngineException>(() => Engine.StartAsync(created.Id, stopOp, Ct));

        await Recorder.WaitForAsync(e => e.Kind == EngineEventKind.OperationSucceeded && e.OperationId == startOp);
        var failed = await Recorder.WaitForAsync(e => e.Kind == EngineEventKind.OperationFailed && e.OperationId == stopOp);
        failed.Message.ShouldBe("instance is running");
    }
}
