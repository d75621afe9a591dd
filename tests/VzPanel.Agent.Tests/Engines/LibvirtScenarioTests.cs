using System.Diagnostics;
using System.Text;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Libvirt;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>
/// One VM's whole life on real libvirtd/QEMU, checked from inside the guest through its agent:
/// boot, hotplug up, balloon down, exec, password, stop, delete, and nothing left on the node.
/// </summary>
[Collection(LibvirtCollection.Name)]
public sealed class LibvirtScenarioTests(ITestOutputHelper output) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly LibvirtTestNode _node = new();

    [Fact]
    public async Task Vm_BootGrowShrinkExecPasswordPowerOffDelete_GuestSeesEachChangeAndNothingIsLeft()
    {
        using var engine = _node.CreateEngine();
        var id = Guid.NewGuid().ToString();
        var definition = new InstanceDefinition(id, "scenario", InstanceKind.VirtualMachine, LibvirtTestNode.TemplateName, 512, 25, 1, 2,
            "scenario.example", ["192.0.2.20"], RootPassword: "first boot secret");

        await engine.CreateAsync(definition, Op(), Ct);
        var boot = Stopwatch.StartNew();
        var running = await engine.StartAsync(id, Op(), Ct);
        boot.Stop();
        running.State.ShouldBe(InstanceState.Running);
        var guest = await engine.GetGuestInfoAsync(id, Ct);
        guest.AgentResponding.ShouldBeTrue(guest.UnavailableReason);
        guest.OsId.ShouldBe("vzpanel-test-guest");
        guest.Tools.Single(t => t.Name == GuestTools.SidChange).Reason.ShouldContain("Windows guests only");
        output.WriteLine($"start to guest agent answering: {boot.Elapsed.TotalSeconds:0.0} s");
        SoftLimitMib(id).ShouldBe(128, "the 25% guarantee of 512 MiB is the VM's cgroup soft limit");

        var before = await MemTotalMibAsync(engine, id);
        var growOp = Op();
        await using var progress = await EventRecorder.StartAsync(engine, Ct);
        var grow = Stopwatch.StartNew();
        (await engine.SetMemoryAsync(id, 1024, growOp, Ct)).MemoryMib.ShouldBe(1024);
        var hotplugCall = grow.Elapsed;
        var grown = await WaitForMemTotalAsync(engine, id, total => total >= before + 500);
        var plugged = await progress.WaitForAsync(e => e.OperationId == growOp && e.Message.StartsWith("plugged", StringComparison.Ordinal));
        output.WriteLine($"grow 512 -> 1024 MiB: engine call {hotplugCall.TotalMilliseconds:0} ms ({plugged.Message}), guest saw it after {grow.Elapsed.TotalMilliseconds:0} ms (MemTotal {before} -> {grown} MiB)");
        (await engine.GetCountersAsync(id, Ct)).Counters.Single(c => c.Resource == "dimmpages").Held.ShouldBe(512L * 256);
        SoftLimitMib(id).ShouldBe(256);

        var shrink = Stopwatch.StartNew();
        (await engine.SetMemoryAsync(id, 640, Op(), Ct)).MemoryMib.ShouldBe(640);
        var shrunk = await WaitForMemTotalAsync(engine, id, total => total <= grown - 300);
        output.WriteLine($"shrink 1024 -> 640 MiB: guest saw it after {shrink.Elapsed.TotalMilliseconds:0} ms (MemTotal {grown} -> {shrunk} MiB)");

        var uname = await engine.ExecAsync(id, new ExecCommand(["uname", "-r"], TimeSpan.FromSeconds(10)), null, Ct);
        uname.ExitCode.ShouldBe(0);
        Encoding.UTF8.GetString(uname.Stdout).ShouldContain("cloud-amd64");
        var shadowBefore = await ShadowRootAsync(engine, id);
        shadowBefore.ShouldStartWith("$", customMessage: "the root password from the create request reached the guest at first boot");
        await engine.SetUserPasswordAsync(id, "root", "new secret; $(reboot)", Op(), Ct);
        (await ShadowRootAsync(engine, id)).ShouldNotBe(shadowBefore);
        (await engine.ExecAsync(id, new ExecCommand(["cat", "/etc/hostname"], TimeSpan.FromSeconds(5)), null, Ct)).Stdout.ShouldBe("scenario.example\n"u8.ToArray());

        // The guest powers itself off: nobody asked the engine, yet libvirt's event reaches the panel's stream.
        await using (var events = await engine.WatchEventsAsync(Ct))
        {
            // Detached, so the exec returns before the guest (and its agent) goes away.
            await engine.ExecAsync(id, new ExecCommand(["sh", "-c", "(sleep 1; poweroff) >/dev/null 2>&1 &"], TimeSpan.FromSeconds(5)), null, Ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            await foreach (var change in events.ReadAllAsync(timeout.Token))
            {
                if (change.InstanceId == id && change.State == InstanceState.Stopped)
                {
                    change.OperationId.ShouldBeNull();
                    break;
                }
            }
        }
        (await engine.ListInstancesAsync(Ct)).Single().State.ShouldBe(InstanceState.Stopped);
        var volume = (await engine.ListVolumesAsync(null, Ct)).Single(v => v.InstanceId == id);
        var volumePath = Path.Combine(_node.Options.PoolPath, volume.Name);
        File.Exists(volumePath).ShouldBeTrue();
        await engine.DeleteAsync(id, keepVolumes: false, Op(), Ct);

        (await engine.ListInstancesAsync(Ct)).ShouldBeEmpty();
        (await engine.ListVolumesAsync(null, Ct)).ShouldBeEmpty();
        File.Exists(volumePath).ShouldBeFalse();
        Directory.EnumerateFiles(_node.Options.LogDirectory).ShouldBeEmpty();
        await Should.ThrowAsync<EngineException>(() => engine.GetCountersAsync(id, Ct));
    }

    /// <summary>The soft limit libvirt wrote into the VM's cgroup v1 memory controller (this host has v1).</summary>
    private static long SoftLimitMib(string id)
    {
        var cgroup = Directory.EnumerateDirectories("/sys/fs/cgroup/memory/machine", $"*{id[..8]}*").ShouldHaveSingleItem();
        return long.Parse(File.ReadAllText(Path.Combine(cgroup, "memory.soft_limit_in_bytes")).Trim(), System.Globalization.CultureInfo.InvariantCulture) / (1024 * 1024);
    }

    private static async Task<string> ShadowRootAsync(IComputeEngine engine, string id)
    {
        var shadow = await engine.ExecAsync(id, new ExecCommand(["cat", "/etc/shadow"], TimeSpan.FromSeconds(5)), null, Ct);
        return Encoding.UTF8.GetString(shadow.Stdout).Split('\n').Single(l => l.StartsWith("root:", StringComparison.Ordinal)).Split(':')[1];
    }

    internal static async Task<long> MemTotalMibAsync(IComputeEngine engine, string id)
    {
        var meminfo = await engine.ExecAsync(id, new ExecCommand(["cat", "/proc/meminfo"], TimeSpan.FromSeconds(10)), null, Ct);
        var line = Encoding.UTF8.GetString(meminfo.Stdout).Split('\n').Single(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    private static async Task<long> WaitForMemTotalAsync(IComputeEngine engine, string id, Func<long, bool> reached)
    {
        long total = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            total = await MemTotalMibAsync(engine, id);
            if (reached(total))
                return total;
            await Task.Delay(50, Ct);
        }
        throw new ShouldAssertException($"the guest's MemTotal stayed at {total} MiB");
    }

    private static string Op() => Guid.NewGuid().ToString();

    public void Dispose() => _node.Dispose();
}

/// <summary>VM tests share two cores under TCG: one class at a time keeps boots quick and timings meaningful.</summary>
[CollectionDefinition(Name)]
public sealed class LibvirtCollection
{
    public const string Name = "libvirt";
}
