using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Libvirt;
using VzPanel.Agent.Engines.Libvirt.Native;
using VzPanel.Agent.Engines.Migration;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>
/// VM migration between two real libvirt nodes on this machine: the system libvirtd (source) and a second libvirtd in
/// its own network and mount namespace (target), reached over a veth at qemu+tcp://10.251.x.2/system. The panel's
/// steps are played by hand: prepare on the target, migrate on the source, complete (or abort) on the target, delete
/// the source's copy.
/// </summary>
[Collection(LibvirtCollection.Name)]
public sealed class LibvirtMigrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LiveMigration_RunningVmWithAHotpluggedDimm_RunsOnTheTargetWithItsMemoryAndProcesses_AndTheSourceCopyGoes()
    {
        using var nodes = await TwoNodes.StartAsync();
        var (second, source, target) = (nodes.Second, nodes.Source, nodes.Target);
        var id = Guid.NewGuid().ToString();
        var definition = new InstanceDefinition(id, "traveller", InstanceKind.VirtualMachine, LibvirtTestNode.TemplateName, 512, 25, 1, 2,
            "traveller.example", ["192.0.2.30"]);

        await source.CreateAsync(definition, Op(), Ct);
        await source.StartAsync(id, Op(), Ct);
        var boot = await LibvirtScenarioTests.MemTotalMibAsync(source, id);
        (await source.SetMemoryAsync(id, 768, Op(), Ct)).MemoryMib.ShouldBe(768);
        var grown = await WaitForMemTotalAsync(source, id, total => total >= boot + 200);
        (await source.GetCountersAsync(id, Ct)).Counters.Single(c => c.Resource == "dimmpages").Held.ShouldBe(256L * 256);
        // A process that counts in the guest: it must keep counting on the target, without a reboot in between.
        await source.ExecAsync(id, new ExecCommand(["sh", "-c", "(i=0; while :; do i=$((i+1)); echo $i > /run/ticks; sleep 0.1; done) >/dev/null 2>&1 &"],
            TimeSpan.FromSeconds(5)), null, Ct);
        var ticksOnSource = await TicksAsync(source, id);
        var uptimeOnSource = await UptimeAsync(source, id);

        var incoming = await target.PrepareIncomingAsync(definition with { MemoryMib = 768 }, MigrationMode.Live, Op(), Ct);
        incoming.Engine[LibvirtComputeEngine.TargetUriKey].ShouldBe(second.Uri);
        incoming.Engine[LibvirtComputeEngine.TargetMigrateUriKey].ShouldBe($"tcp://{second.Address}");
        var preparedDisk = (await target.ListVolumesAsync(null, Ct)).ShouldHaveSingleItem();
        preparedDisk.InstanceId.ShouldBe(id);
        preparedDisk.BackingVolume.ShouldEndWith($"{LibvirtTestNode.TemplateName}/disk.qcow2");

        var reports = new ConcurrentQueue<MigrationProgress>();
        await using var sourceEvents = await EventRecorder.StartAsync(source, Ct);
        var migrateOp = Op();
        var clock = Stopwatch.StartNew();
        var outcome = await source.MigrateOutAsync(id, new OutgoingMigration("second", MigrationMode.Live, incoming.Engine, 300, 0),
            new UnusedTransport(), reports.Enqueue, migrateOp, Ct);
        var migrated = clock.Elapsed;
        var completed = await target.CompleteIncomingAsync(id, start: true, Op(), Ct);
        var total = clock.Elapsed;

        outcome.Mode.ShouldBe(MigrationMode.Live);
        outcome.TransferredBytes.ShouldBeGreaterThan(0);
        outcome.DowntimeMs.ShouldBeGreaterThan(0);
        outcome.Source.State.ShouldBe(InstanceState.Stopped);
        // Read from libvirt's job statistics every 500 ms while the call runs (the bytes themselves are checked at 1 MiB/s below).
        reports.ShouldNotBeEmpty();
        reports.ShouldAllBe(r => r.Phase == "disk" || r.Phase == "memory");
        await sourceEvents.WaitForAsync(e => e.OperationId == migrateOp && e.Kind == EngineEventKind.Progress
                                             && (e.Message.StartsWith("disk:", StringComparison.Ordinal) || e.Message.StartsWith("memory:", StringComparison.Ordinal)));
        await sourceEvents.WaitForAsync(e => e.InstanceId == id && e.Kind == EngineEventKind.StateChanged && e.State == InstanceState.Stopped);

        completed.State.ShouldBe(InstanceState.Running);
        completed.MemoryMib.ShouldBe(768);
        completed.Name.ShouldBe("traveller");
        (await target.ListInstancesAsync(Ct)).ShouldHaveSingleItem().Id.ShouldBe(id);
        (await target.GetCountersAsync(id, Ct)).Counters.Single(c => c.Resource == "dimmpages").Held.ShouldBe(256L * 256, "the hotplugged DIMM came along");
        var guest = await target.GetGuestInfoAsync(id, Ct);
        guest.AgentResponding.ShouldBeTrue(guest.UnavailableReason);
        (await LibvirtScenarioTests.MemTotalMibAsync(target, id)).ShouldBe(grown);
        var ticksOnTarget = await TicksAsync(target, id);
        ticksOnTarget.ShouldBeGreaterThan(ticksOnSource);
        await Task.Delay(500, Ct);
        (await TicksAsync(target, id)).ShouldBeGreaterThan(ticksOnTarget, "the guest's loop keeps running on the target");
        (await UptimeAsync(target, id)).ShouldBeGreaterThan(uptimeOnSource, "the guest did not reboot");
        (await target.CompleteIncomingAsync(id, start: true, Op(), Ct)).State.ShouldBe(InstanceState.Running, "complete is idempotent");
        Persistent(second.Uri, id).ShouldBeTrue();

        (await source.ListInstancesAsync(Ct)).ShouldHaveSingleItem().State.ShouldBe(InstanceState.Stopped);
        await source.DeleteAsync(id, keepVolumes: false, Op(), Ct);
        (await source.ListInstancesAsync(Ct)).ShouldBeEmpty();
        (await source.ListVolumesAsync(null, Ct)).ShouldBeEmpty();
        DomainExists("qemu:///system", id).ShouldBeFalse();
        (await target.GetGuestInfoAsync(id, Ct)).AgentResponding.ShouldBeTrue("deleting the source's copy leaves the target's alone");

        VmTimings.Write(string.Create(CultureInfo.InvariantCulture,
            $"live migration of a 768 MiB VM (512 MiB + a 256 MiB DIMM, TCG) to a second libvirtd over a veth: {migrated.TotalMilliseconds:0} ms migrate call, " +
            $"{total.TotalMilliseconds:0} ms with complete on the target; downtime {outcome.DowntimeMs} ms (libvirt's job statistics), " +
            $"{outcome.TransferredBytes / (1024.0 * 1024):0.0} MiB sent; {reports.Count} progress report(s)"));
    }

    [Fact]
    public async Task LiveMigration_RefusedOrCancelledWhileCopying_LeavesTheVmRunningOnTheSource_AndAbortCleansTheTarget()
    {
        using var nodes = await TwoNodes.StartAsync();
        var (second, source, target) = (nodes.Second, nodes.Source, nodes.Target);
        var id = Guid.NewGuid().ToString();
        var definition = new InstanceDefinition(id, "stayer", InstanceKind.VirtualMachine, LibvirtTestNode.TemplateName, 384, 0, 1, 2);
        await source.CreateAsync(definition, Op(), Ct);
        await source.StartAsync(id, Op(), Ct);
        // Memory that does not compress: at 1 MiB/s the transfer takes over a minute.
        (await source.ExecAsync(id, new ExecCommand(["dd", "if=/dev/urandom", "of=/dev/shm/ballast", "bs=1M", "count=48"], TimeSpan.FromSeconds(60)), null, Ct))
            .ExitCode.ShouldBe(0);
        var incoming = await target.PrepareIncomingAsync(definition, MigrationMode.Live, Op(), Ct);

        // First a target whose libvirtd does not answer: refused with the reason, and nothing changes here.
        var nowhere = new Dictionary<string, string>(incoming.Engine) { [LibvirtComputeEngine.TargetUriKey] = "qemu+tcp://127.0.0.1:1/system" };
        var refusal = await Should.ThrowAsync<EngineException>(() => source.MigrateOutAsync(id,
            new OutgoingMigration("nowhere", MigrationMode.Live, nowhere, 300, 0), new UnusedTransport(), _ => { }, Op(), Ct));
        refusal.Code.ShouldBeOneOf(EngineErrorCode.Unavailable, EngineErrorCode.Failed);
        refusal.Message.ShouldStartWith("libvirt could not migrate the VM to qemu+tcp://127.0.0.1:1/system: ");
        refusal.Message.ShouldEndWith("; it runs on this node");
        (await source.ListInstancesAsync(Ct)).ShouldHaveSingleItem().State.ShouldBe(InstanceState.Running);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var reports = new ConcurrentQueue<MigrationProgress>();
        var cancelledAt = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        void Report(MigrationProgress progress)
        {
            reports.Enqueue(progress);
            if (progress.Phase == "memory" && progress.TransferredBytes > 4 << 20 && !cancel.IsCancellationRequested)
            {
                cancelledAt.Restart();
                _ = Task.Run(cancel.Cancel);
            }
        }
        await Should.ThrowAsync<OperationCanceledException>(() => source.MigrateOutAsync(id,
            new OutgoingMigration("second", MigrationMode.Live, incoming.Engine, 300, BandwidthMibPerSecond: 1), new UnusedTransport(), Report, Op(), cancel.Token));
        var stopped = cancelledAt.Elapsed;
        var ran = clock.Elapsed;
        reports.ShouldContain(r => r.Phase == "memory" && r.TotalBytes >= 384L << 20 && r.RemainingBytes > 0 && r.DirtyBytesPerSecond >= 0);

        (await source.ListInstancesAsync(Ct)).ShouldHaveSingleItem().State.ShouldBe(InstanceState.Running);
        (await source.GetGuestInfoAsync(id, Ct)).AgentResponding.ShouldBeTrue("the guest runs on the source as before");
        (await source.ExecAsync(id, new ExecCommand(["ls", "/dev/shm/ballast"], TimeSpan.FromSeconds(5)), null, Ct)).ExitCode.ShouldBe(0);
        (await target.ListInstancesAsync(Ct)).ShouldBeEmpty();

        await target.AbortIncomingAsync(id, Op(), Ct);
        (await target.ListVolumesAsync(null, Ct)).ShouldBeEmpty();
        DomainExists(second.Uri, id).ShouldBeFalse();
        (await source.ListVolumesAsync(null, Ct)).ShouldHaveSingleItem().InstanceId.ShouldBe(id, "abort on the target never touches the source");
        await target.AbortIncomingAsync(id, Op(), Ct);

        var last = reports.Last();
        VmTimings.Write(string.Create(CultureInfo.InvariantCulture,
            $"live migration at 1 MiB/s cancelled after {last.TransferredBytes / (1024.0 * 1024):0.0} of {last.TotalBytes / (1024.0 * 1024):0} MiB " +
            $"({ran.TotalSeconds:0.0} s in): the call returned {stopped.TotalMilliseconds:0} ms after the cancel, the VM runs on the source"));
    }

    [Fact]
    public async Task OfflineMigration_StoppedVm_IsDefinedOnTheTargetWithItsDisk_AndBootsThere()
    {
        using var nodes = await TwoNodes.StartAsync();
        var (second, source, target) = (nodes.Second, nodes.Source, nodes.Target);
        var id = Guid.NewGuid().ToString();
        var definition = new InstanceDefinition(id, "sleeper", InstanceKind.VirtualMachine, LibvirtTestNode.TemplateName, 384, 0, 1, 2, "sleeper.example");
        await source.CreateAsync(definition, Op(), Ct);

        var incoming = await target.PrepareIncomingAsync(definition, MigrationMode.Offline, Op(), Ct);
        var clock = Stopwatch.StartNew();
        var outcome = await source.MigrateOutAsync(id, new OutgoingMigration("second", MigrationMode.Offline, incoming.Engine, 0, 0),
            new UnusedTransport(), _ => { }, Op(), Ct);
        var migrated = clock.Elapsed;

        outcome.Mode.ShouldBe(MigrationMode.Offline);
        outcome.Source.State.ShouldBe(InstanceState.Stopped);
        (await target.CompleteIncomingAsync(id, start: false, Op(), Ct)).State.ShouldBe(InstanceState.Stopped);
        Persistent(second.Uri, id).ShouldBeTrue();
        (await target.ListInstancesAsync(Ct)).ShouldHaveSingleItem().State.ShouldBe(InstanceState.Stopped);

        await target.StartAsync(id, Op(), Ct);
        (await target.ExecAsync(id, new ExecCommand(["cat", "/etc/hostname"], TimeSpan.FromSeconds(5)), null, Ct)).Stdout
            .ShouldBe("sleeper.example\n"u8.ToArray(), "the guest booted on the target with its settings");
        await source.DeleteAsync(id, keepVolumes: false, Op(), Ct);
        (await source.ListVolumesAsync(null, Ct)).ShouldBeEmpty();
        (await target.ListVolumesAsync(null, Ct)).ShouldHaveSingleItem().InstanceId.ShouldBe(id);

        VmTimings.Write(string.Create(CultureInfo.InvariantCulture,
            $"offline migration of a stopped VM (definition and disk overlay) to a second libvirtd: {migrated.TotalMilliseconds:0} ms, " +
            $"{outcome.TransferredBytes / (1024.0 * 1024):0.0} MiB sent"));
    }

    private static async Task<long> TicksAsync(IComputeEngine engine, string id)
    {
        var read = await engine.ExecAsync(id, new ExecCommand(["cat", "/run/ticks"], TimeSpan.FromSeconds(5)), null, Ct);
        return long.Parse(Encoding.UTF8.GetString(read.Stdout).Trim(), CultureInfo.InvariantCulture);
    }

    private static async Task<double> UptimeAsync(IComputeEngine engine, string id)
    {
        var read = await engine.ExecAsync(id, new ExecCommand(["cat", "/proc/uptime"], TimeSpan.FromSeconds(5)), null, Ct);
        return double.Parse(Encoding.UTF8.GetString(read.Stdout).Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static async Task<long> WaitForMemTotalAsync(IComputeEngine engine, string id, Func<long, bool> reached)
    {
        long total = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            total = await LibvirtScenarioTests.MemTotalMibAsync(engine, id);
            if (reached(total))
                return total;
            await Task.Delay(50, Ct);
        }
        throw new ShouldAssertException($"the guest's MemTotal stayed at {total} MiB");
    }

    private static bool DomainExists(string uri, string id)
    {
        using var connection = new LibvirtConnection(uri);
        return new LibvirtApi(connection).ListDomains().Any(d => d.Uuid == id);
    }

    private static bool Persistent(string uri, string id)
    {
        using var connection = new LibvirtConnection(uri);
        return new LibvirtApi(connection).IsPersistent(id);
    }

    private static string Op() => Guid.NewGuid().ToString();

    /// <summary>libvirt moves VMs itself: the agents' channel must stay unused.</summary>
    private sealed class UnusedTransport : IMigrationTransport
    {
        public Task<long> SendAsync(Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the libvirt engine used the agents' migration channel");
    }

    /// <summary>A source node on the system libvirtd and a target on a second one, each with its engine; disposed in reverse.</summary>
    private sealed class TwoNodes : IDisposable
    {
        private readonly LibvirtTestNode _sourceNode = new();
        private readonly LibvirtTestNode _targetNode = new();

        private TwoNodes(SecondLibvirtd second)
        {
            Second = second;
            _targetNode.Options.Uri = second.Uri;
            Source = _sourceNode.CreateEngine();
            Target = _targetNode.CreateEngine();
        }

        public SecondLibvirtd Second { get; }
        public LibvirtComputeEngine Source { get; }
        public LibvirtComputeEngine Target { get; }

        public static async Task<TwoNodes> StartAsync()
        {
            await SecondLibvirtd.EnsureSystemLibvirtdAsync(Ct);
            return new TwoNodes(await SecondLibvirtd.StartAsync(Ct));
        }

        public void Dispose()
        {
            Target.Dispose();
            Source.Dispose();
            _targetNode.Dispose();
            _sourceNode.Dispose();
            Second.Dispose();
        }
    }
}
