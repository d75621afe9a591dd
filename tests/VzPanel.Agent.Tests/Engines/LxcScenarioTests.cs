using System.Diagnostics;
using System.Text;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>
/// One container's whole life on real LXC, checked from inside it and in its cgroup: start, exec, live
/// memory change, guarantee, counters after a memory hog hits the limit, password, stop, delete, and
/// nothing left on the node. Then input full of shell syntax, which must arrive as plain text.
/// </summary>
[Collection(LxcCollection.Name)]
public sealed class LxcScenarioTests(ITestOutputHelper output) : IDisposable
{
    private const long MiB = 1024 * 1024;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly LxcTestNode _node = new();

    [Fact]
    public async Task Container_StartExecResizeGuaranteeHogPasswordStopDelete_CgroupShowsEachChangeAndNothingIsLeft()
    {
        using var engine = _node.CreateEngine();
        var id = Guid.NewGuid().ToString();
        var definition = new InstanceDefinition(id, "scenario", InstanceKind.Container, LxcTestNode.TemplateName, 256, 0, 1, 1,
            "scenario.example", ["192.0.2.30"], RootPassword: "first secret");

        var clock = Stopwatch.StartNew();
        await engine.CreateAsync(definition, Op(), Ct);
        var created = clock.Elapsed;
        (await engine.StartAsync(id, Op(), Ct)).State.ShouldBe(InstanceState.Running);
        output.WriteLine($"create {created.TotalMilliseconds:0} ms, create-to-running {clock.Elapsed.TotalMilliseconds:0} ms");

        var uname = await engine.ExecAsync(id, new ExecCommand(["uname", "-n"], TimeSpan.FromSeconds(10)), null, Ct);
        uname.ExitCode.ShouldBe(0);
        Encoding.UTF8.GetString(uname.Stdout).ShouldBe("scenario.example\n");
        (await ShadowRootAsync(engine, id)).ShouldStartWith("$", customMessage: "the root password from the create request was set at first start");
        _node.MemoryCgroupValue(id, "memory.limit_in_bytes").ShouldBe(256 * MiB);

        var resize = Stopwatch.StartNew();
        (await engine.SetMemoryAsync(id, 512, Op(), Ct)).MemoryMib.ShouldBe(512);
        output.WriteLine($"memory 256 -> 512 MiB live: {resize.Elapsed.TotalMilliseconds:0} ms");
        _node.MemoryCgroupValue(id, "memory.limit_in_bytes").ShouldBe(512 * MiB);

        (await engine.SetMemoryGuaranteeAsync(id, 50, Op(), Ct)).MemoryGuaranteePercent.ShouldBe(50);
        _node.MemoryCgroupValue(id, "memory.soft_limit_in_bytes").ShouldBe(256 * MiB);

        // tail keeps a line without newlines in memory: 700 MiB of zeros cannot fit in 512 MiB without swap.
        var hog = await engine.ExecAsync(id, new ExecCommand(["sh", "-c", "head -c 734003200 /dev/zero | tail"], TimeSpan.FromSeconds(60)), null, Ct);
        hog.ExitCode.ShouldNotBe(0, "the kernel stops the hog at the limit");
        var counters = await engine.GetCountersAsync(id, Ct);
        var physpages = counters.Counters.Single(c => c.Resource == "physpages");
        physpages.Held.ShouldBeGreaterThan(0);
        physpages.MaxHeld.ShouldBeGreaterThanOrEqualTo(512L * 256 * 95 / 100, "the hog filled the container up to its limit");
        physpages.Limit.ShouldBe(512L * 256);
        physpages.FailCount.ShouldBeGreaterThan(0);
        counters.OomKills.ShouldBeGreaterThanOrEqualTo(1);
        counters.Counters.Single(c => c.Resource == "oomguarpages").Barrier.ShouldBe(256L * 256);
        counters.Counters.Single(c => c.Resource == "numproc").Held.ShouldBeGreaterThanOrEqualTo(1);
        output.WriteLine(string.Join("\n", counters.Counters.Select(c => $"{c.Resource}: held {c.Held} maxheld {c.MaxHeld} barrier {c.Barrier} limit {c.Limit} failcnt {c.FailCount} ({c.Unit})")));

        var shadow = await ShadowRootAsync(engine, id);
        await engine.SetUserPasswordAsync(id, "root", "second secret", Op(), Ct);
        (await ShadowRootAsync(engine, id)).ShouldNotBe(shadow);

        (await engine.StopAsync(id, StopMode.Graceful, TimeSpan.FromSeconds(20), Op(), Ct)).State.ShouldBe(InstanceState.Stopped);
        await engine.DeleteAsync(id, keepVolumes: false, Op(), Ct);

        (await engine.ListInstancesAsync(Ct)).ShouldBeEmpty();
        (await engine.ListVolumesAsync(null, Ct)).ShouldBeEmpty();
        Directory.Exists(Path.Combine(_node.Options.LxcPath, id)).ShouldBeFalse();
        Directory.Exists(Path.Combine(_node.Options.PrivatePath, id)).ShouldBeFalse();
        Directory.Exists($"/sys/fs/cgroup/memory/lxc.payload.{id}").ShouldBeFalse();
    }

    [Fact]
    public async Task ShellSyntaxInHostnameAndPassword_IsStoredAndAppliedLiterally_NeverRun()
    {
        using var engine = _node.CreateEngine();
        var marker = $"/tmp/p{Guid.NewGuid():N}"[..15];
        var hostname = $"a;$(touch {marker})`touch {marker}`|'\"";
        var password = $"p'; touch {marker}; echo \"$(touch {marker})\" \\";
        var id = Guid.NewGuid().ToString();
        await engine.CreateAsync(new InstanceDefinition(id, "literal", InstanceKind.Container, LxcTestNode.TemplateName, 128, 0, 1, 1, hostname,
            ["192.0.2.31"], RootPassword: password), Op(), Ct);
        await engine.StartAsync(id, Op(), Ct);

        (await engine.ListInstancesAsync(Ct)).Single().Hostname.ShouldBe(hostname);
        (await ExecTextAsync(engine, id, "hostname")).ShouldBe(hostname + "\n");
        (await ExecTextAsync(engine, id, "cat", "/etc/hostname")).ShouldBe(hostname + "\n");
        (await engine.GetGuestNetworkAsync(id, Ct)).Hostname.ShouldBe(hostname);
        var shadow = await ShadowRootAsync(engine, id);
        await engine.SetUserPasswordAsync(id, "root", password + " again", Op(), Ct);
        (await ShadowRootAsync(engine, id)).ShouldNotBe(shadow);

        File.Exists(marker).ShouldBeFalse("nothing ran on the host");
        (await engine.ExecAsync(id, new ExecCommand(["test", "-e", marker], TimeSpan.FromSeconds(5)), null, Ct)).ExitCode.ShouldBe(1, "nothing ran in the container");

        var config = await File.ReadAllTextAsync(Path.Combine(_node.Options.LxcPath, id, "config"), Ct);
        var newline = await Should.ThrowAsync<EngineException>(() => engine.SetGuestNetworkAsync(id,
            new GuestNetworkConfig("ok\nlxc.init.cmd = /bin/evil", [], "", []), Op(), Ct));
        newline.Code.ShouldBe(EngineErrorCode.InvalidArgument);
        (await Should.ThrowAsync<EngineException>(() => engine.SetGuestNetworkAsync(id, new GuestNetworkConfig("-F/etc/shadow", [], "", []), Op(), Ct)))
            .Code.ShouldBe(EngineErrorCode.InvalidArgument);
        (await Should.ThrowAsync<EngineException>(() => engine.SetUserPasswordAsync(id, "root", "one\nmallory:x", Op(), Ct)))
            .Code.ShouldBe(EngineErrorCode.InvalidArgument);
        (await File.ReadAllTextAsync(Path.Combine(_node.Options.LxcPath, id, "config"), Ct)).ShouldBe(config, "a refused change leaves the config alone");
    }

    private static string Op() => Guid.NewGuid().ToString();

    private static async Task<string> ExecTextAsync(IComputeEngine engine, string id, params string[] argv)
    {
        var result = await engine.ExecAsync(id, new ExecCommand(argv, TimeSpan.FromSeconds(10)), null, Ct);
        result.ExitCode.ShouldBe(0, Encoding.UTF8.GetString(result.Stderr));
        return Encoding.UTF8.GetString(result.Stdout);
    }

    private static async Task<string> ShadowRootAsync(IComputeEngine engine, string id) =>
        (await ExecTextAsync(engine, id, "grep", "^root:", "/etc/shadow")).Split(':')[1];

    public void Dispose() => _node.Dispose();
}
