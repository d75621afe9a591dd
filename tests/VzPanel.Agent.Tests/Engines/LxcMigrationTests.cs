using System.Diagnostics;
using System.Text;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Host;
using VzPanel.Agent.Engines.Migration;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>
/// Container migration between two LXC "nodes" on this machine (two engines with their own lxcpath and private
/// folder), in the panel's steps: prepare on the target, migrate out of the source over an in-process channel,
/// complete on the target, delete on the source. Checked from inside the containers and in the nodes' folders.
/// </summary>
[Collection(LxcCollection.Name)]
public sealed class LxcMigrationTests(ITestOutputHelper output) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly LxcTestNode _nodeA = new();
    private readonly LxcTestNode _nodeB = new();

    [Fact]
    public async Task ColdMigration_RunningContainerRunsOnTargetWithItsFiles_SourceCopyStoppedThenDeletedLeavesNothing()
    {
        using var a = _nodeA.CreateEngine();
        using var b = _nodeB.CreateEngine();
        var definition = Definition("mover", "192.0.2.40");
        var id = definition.Id;
        await a.CreateAsync(definition, Op(), Ct);
        await a.StartAsync(id, Op(), Ct);
        await WriteMarkerAsync(a, id);

        var clock = Stopwatch.StartNew();
        (await b.PrepareIncomingAsync(definition, MigrationMode.Cold, Op(), Ct)).Engine.ShouldBeEmpty();
        var progress = new List<MigrationProgress>();
        var migrating = Stopwatch.StartNew();
        TimeSpan? firstProgress = null;
        var outcome = await a.MigrateOutAsync(id, Orders(MigrationMode.Cold), new LoopbackTransport(b, id), p =>
        {
            lock (progress)
            {
                firstProgress ??= migrating.Elapsed;
                progress.Add(p);
            }
        }, Op(), Ct);
        var migrated = migrating.Elapsed;
        var start = Stopwatch.StartNew();
        var onB = await b.CompleteIncomingAsync(id, start: true, Op(), Ct);
        var startOnTarget = start.Elapsed;
        var total = clock.Elapsed;
        output.WriteLine($"cold move of a running busybox container: {outcome.TransferredBytes} bytes; downtime {outcome.DowntimeMs} ms on the source " +
            $"(stop about {firstProgress?.TotalMilliseconds:0} ms, transfer about {(migrated - firstProgress)?.TotalMilliseconds:0} ms) " +
            $"+ {startOnTarget.TotalMilliseconds:0} ms start on the target; prepare-to-running {total.TotalMilliseconds:0} ms");

        outcome.Mode.ShouldBe(MigrationMode.Cold);
        outcome.TransferredBytes.ShouldBeGreaterThan(0);
        outcome.DowntimeMs.ShouldBeGreaterThan(0);
        outcome.Source.State.ShouldBe(InstanceState.Stopped);
        progress.ShouldNotBeEmpty();
        progress.ShouldAllBe(p => p.Phase == "root file system");
        progress[^1].TransferredBytes.ShouldBe(outcome.TransferredBytes);
        progress[^1].Percent.ShouldBe(100);

        onB.State.ShouldBe(InstanceState.Running);
        (onB.Name, onB.MemoryMib, onB.Hostname, onB.Template).ShouldBe((definition.Name, definition.MemoryMib, definition.Hostname, definition.Template));
        onB.IpAddresses.ShouldBe(["192.0.2.40/24"]);
        (await ExecTextAsync(b, id, "cat", "/root/marker")).ShouldBe("written on node A\n");
        (await ExecTextAsync(b, id, "hostname")).ShouldBe("mover.example\n");
        var config = await File.ReadAllTextAsync(Path.Combine(_nodeB.Options.LxcPath, id, "config"), Ct);
        config.ShouldContain($"lxc.rootfs.path = dir:{Path.Combine(_nodeB.Options.PrivatePath, id)}");
        config.ShouldNotContain(_nodeA.Options.PrivatePath, customMessage: "the target writes its own config; node A's was not sent");
        (await a.ListInstancesAsync(Ct)).Single().State.ShouldBe(InstanceState.Stopped);

        (await b.CompleteIncomingAsync(id, start: true, Op(), Ct)).State.ShouldBe(InstanceState.Running, "complete again changes nothing");

        await a.DeleteAsync(id, keepVolumes: false, Op(), Ct);
        (await a.ListInstancesAsync(Ct)).ShouldBeEmpty();
        (await a.ListVolumesAsync(null, Ct)).ShouldBeEmpty();
        (await LxcLsAsync(_nodeA)).ShouldBeEmpty();
        Directory.Exists(Path.Combine(_nodeA.Options.LxcPath, id)).ShouldBeFalse();
        Directory.Exists(Path.Combine(_nodeA.Options.PrivatePath, id)).ShouldBeFalse();
        (await ExecTextAsync(b, id, "cat", "/root/marker")).ShouldBe("written on node A\n", "deleting the source copy leaves the moved one alone");

        await b.StopAsync(id, StopMode.Forced, TimeSpan.Zero, Op(), Ct);
        await b.DeleteAsync(id, keepVolumes: false, Op(), Ct);
        AssertNothingOn(_nodeB, id);
        (await LxcLsAsync(_nodeB)).ShouldBeEmpty();
    }

    [Fact]
    public async Task LiveMigration_IsRefusedWithTheCriuReason_OnBothNodes_AndTheContainerKeepsRunning()
    {
        using var a = _nodeA.CreateEngine();
        using var b = _nodeB.CreateEngine();
        var definition = Definition("live", "192.0.2.41");
        var id = definition.Id;
        await a.CreateAsync(definition, Op(), Ct);
        await a.StartAsync(id, Op(), Ct);
        var criu = await CriuCheck.ResultAsync();
        var reason = criu.Works ? "not built into this agent" : "CRIU does not work on node";

        var prepare = await Should.ThrowAsync<EngineException>(() => b.PrepareIncomingAsync(definition, MigrationMode.Live, Op(), Ct));
        prepare.Code.ShouldBe(EngineErrorCode.WrongState);
        prepare.Message.ShouldContain(reason);
        prepare.Message.ShouldContain(_nodeB.Options.NodeName);
        var migrate = await Should.ThrowAsync<EngineException>(() =>
            a.MigrateOutAsync(id, Orders(MigrationMode.Live), new LoopbackTransport(b, id), _ => { }, Op(), Ct));
        migrate.Code.ShouldBe(EngineErrorCode.WrongState);
        migrate.Message.ShouldContain(reason);
        output.WriteLine(migrate.Message);

        (await a.ListInstancesAsync(Ct)).Single().State.ShouldBe(InstanceState.Running);
        AssertNothingOn(_nodeB, id);
    }

    [Fact]
    public async Task Abort_AfterPrepareAndAccept_AndAfterComplete_LeavesNothingOnTarget_AndNeverTouchesTheSource()
    {
        using var a = _nodeA.CreateEngine();
        using var b = _nodeB.CreateEngine();
        var definition = Definition("aborted", "192.0.2.42");
        var id = definition.Id;
        await a.CreateAsync(definition, Op(), Ct);

        // Received, not completed.
        await b.PrepareIncomingAsync(definition, MigrationMode.Offline, Op(), Ct);
        var offline = await a.MigrateOutAsync(id, Orders(MigrationMode.Offline), new LoopbackTransport(b, id), _ => { }, Op(), Ct);
        offline.DowntimeMs.ShouldBe(0, "a stopped container has no downtime");
        Directory.EnumerateFileSystemEntries(Path.Combine(_nodeB.Options.PrivatePath, ".incoming", id)).ShouldNotBeEmpty("the transfer arrived");
        await b.AbortIncomingAsync(id, Op(), Ct);
        AssertNothingOn(_nodeB, id);

        // Completed and running, then rolled back.
        await a.StartAsync(id, Op(), Ct);
        await b.PrepareIncomingAsync(definition, MigrationMode.Cold, Op(), Ct);
        await a.MigrateOutAsync(id, Orders(MigrationMode.Cold), new LoopbackTransport(b, id), _ => { }, Op(), Ct);
        (await b.CompleteIncomingAsync(id, start: true, Op(), Ct)).State.ShouldBe(InstanceState.Running);
        await b.AbortIncomingAsync(id, Op(), Ct);
        AssertNothingOn(_nodeB, id);
        (await LxcLsAsync(_nodeB)).ShouldBeEmpty();

        var source = (await a.ListInstancesAsync(Ct)).Single();
        source.State.ShouldBe(InstanceState.Stopped, "the source's copy stays as the transfer left it; the panel starts it again");
        Directory.Exists(Path.Combine(_nodeA.Options.PrivatePath, id)).ShouldBeTrue();
        (await a.StartAsync(id, Op(), Ct)).State.ShouldBe(InstanceState.Running);
    }

    [Fact]
    public async Task Abort_AfterPrepareWasRefusedBecauseTheContainerIsHere_LeavesThatContainerAlone()
    {
        using var b = _nodeB.CreateEngine();
        var definition = Definition("resident", "192.0.2.43");
        await b.CreateAsync(definition, Op(), Ct);

        (await Should.ThrowAsync<EngineException>(() => b.PrepareIncomingAsync(definition, MigrationMode.Cold, Op(), Ct)))
            .Code.ShouldBe(EngineErrorCode.InvalidArgument);
        await b.AbortIncomingAsync(definition.Id, Op(), Ct);

        (await b.ListInstancesAsync(Ct)).Single().Id.ShouldBe(definition.Id);
        Directory.Exists(Path.Combine(_nodeB.Options.PrivatePath, definition.Id)).ShouldBeTrue();
    }

    [Fact]
    public async Task TransferThatBreaksMidway_LeavesTheContainerRunningOnTheSource_AndATryAgainSucceeds()
    {
        using var a = _nodeA.CreateEngine();
        using var b = _nodeB.CreateEngine();
        var definition = Definition("unlucky", "192.0.2.44");
        var id = definition.Id;
        await a.CreateAsync(definition, Op(), Ct);
        await a.StartAsync(id, Op(), Ct);
        await WriteMarkerAsync(a, id);
        await b.PrepareIncomingAsync(definition, MigrationMode.Cold, Op(), Ct);

        var broken = await Should.ThrowAsync<EngineException>(() =>
            a.MigrateOutAsync(id, Orders(MigrationMode.Cold), new LoopbackTransport(b, id, breakAfterBytes: 256 * 1024), _ => { }, Op(), Ct));
        broken.Code.ShouldBe(EngineErrorCode.Unavailable);
        broken.Message.ShouldContain("broke");
        output.WriteLine(broken.Message);

        (await a.ListInstancesAsync(Ct)).Single().State.ShouldBe(InstanceState.Running);
        (await ExecTextAsync(a, id, "cat", "/root/marker")).ShouldBe("written on node A\n");
        (await b.ListInstancesAsync(Ct)).ShouldBeEmpty();
        Directory.EnumerateFileSystemEntries(Path.Combine(_nodeB.Options.PrivatePath, ".incoming", id)).ShouldBeEmpty("a broken transfer leaves nothing half-unpacked");
        (await Should.ThrowAsync<EngineException>(() => b.CompleteIncomingAsync(id, start: true, Op(), Ct))).Code.ShouldBe(EngineErrorCode.WrongState);

        await a.MigrateOutAsync(id, Orders(MigrationMode.Cold), new LoopbackTransport(b, id), _ => { }, Op(), Ct);
        (await b.CompleteIncomingAsync(id, start: true, Op(), Ct)).State.ShouldBe(InstanceState.Running);
        (await ExecTextAsync(b, id, "cat", "/root/marker")).ShouldBe("written on node A\n");
    }

    public void Dispose()
    {
        _nodeA.Dispose();
        _nodeB.Dispose();
    }

    private static InstanceDefinition Definition(string name, string address) =>
        new(Guid.NewGuid().ToString(), name, InstanceKind.Container, LxcTestNode.TemplateName, 128, 50, 1, 1, $"{name}.example", [address]);

    private OutgoingMigration Orders(MigrationMode mode) => new(_nodeB.Options.NodeName, mode, new Dictionary<string, string>(), 0, 0);

    private static async Task WriteMarkerAsync(IComputeEngine engine, string id)
    {
        var tee = await engine.ExecAsync(id, new ExecCommand(["tee", "/root/marker"], TimeSpan.FromSeconds(10), Encoding.UTF8.GetBytes("written on node A\n")), null, Ct);
        tee.ExitCode.ShouldBe(0, Encoding.UTF8.GetString(tee.Stderr));
    }

    private static void AssertNothingOn(LxcTestNode node, string id)
    {
        Directory.Exists(Path.Combine(node.Options.LxcPath, id)).ShouldBeFalse();
        Directory.Exists(Path.Combine(node.Options.PrivatePath, id)).ShouldBeFalse();
        Directory.Exists(Path.Combine(node.Options.PrivatePath, ".incoming", id)).ShouldBeFalse();
    }

    private static async Task<string> LxcLsAsync(LxcTestNode node) =>
        (await ToolProcess.RunAsync("lxc-ls", ["-P", node.Options.LxcPath], TimeSpan.FromSeconds(10))).StdoutText.Trim();

    private static string Op() => Guid.NewGuid().ToString();

    private static async Task<string> ExecTextAsync(IComputeEngine engine, string id, params string[] argv)
    {
        var result = await engine.ExecAsync(id, new ExecCommand(argv, TimeSpan.FromSeconds(10)), null, Ct);
        result.ExitCode.ShouldBe(0, Encoding.UTF8.GetString(result.Stderr));
        return Encoding.UTF8.GetString(result.Stdout);
    }
}
