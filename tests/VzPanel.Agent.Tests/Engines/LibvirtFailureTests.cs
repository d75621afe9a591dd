using System.Diagnostics;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Libvirt;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>What goes wrong with real VMs, and what the engine says then: out of DIMM slots, a guest without tools, no libvirtd.</summary>
[Collection(LibvirtCollection.Name)]
public sealed class LibvirtFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SetMemory_AllDimmSlotsUsed_IsRefusedWithTheReason_AndAShrinkUnplugsTheDimm()
    {
        using var node = new LibvirtTestNode(memorySlots: 1);
        using var engine = node.CreateEngine();
        var vm = await StartAsync(engine, memoryMib: 384);

        (await engine.SetMemoryAsync(vm, 512, Op(), Ct)).MemoryMib.ShouldBe(512);
        var refusal = await Should.ThrowAsync<EngineException>(() => engine.SetMemoryAsync(vm, 640, Op(), Ct));

        refusal.Code.ShouldBe(EngineErrorCode.InsufficientResources);
        refusal.Message.ShouldBe("cannot grow to 640 MiB: all 1 DIMM slots are in use; stop the VM to resize it cold");
        // The guest onlines hotplugged memory as movable, so it can hand the DIMM back and free the slot.
        await engine.SetMemoryAsync(vm, 384, Op(), Ct);
        (await engine.GetCountersAsync(vm, Ct)).Counters.Single(c => c.Resource == "dimmpages").Held.ShouldBe(0);
        (await engine.SetMemoryAsync(vm, 640, Op(), Ct)).MemoryMib.ShouldBe(640);
    }

    [Fact]
    public async Task SetMemory_ShrinkBelowGuestUse_IsRefusedWithTheGuestsNumbers()
    {
        using var node = new LibvirtTestNode();
        using var engine = node.CreateEngine();
        var vm = await StartAsync(engine, memoryMib: 512);
        await engine.ExecAsync(vm, new ExecCommand(["dd", "if=/dev/zero", "of=/dev/shm/ballast", "bs=1M", "count=200"], TimeSpan.FromSeconds(30)), null, Ct);

        var refusal = await Should.ThrowAsync<EngineException>(() => engine.SetMemoryAsync(vm, 160, Op(), Ct));

        refusal.Code.ShouldBe(EngineErrorCode.WrongState);
        refusal.Message.ShouldMatch(@"^cannot shrink to 160 MiB: the guest uses \d+ MiB \(\d+ MiB of \d+ MiB available\); the smallest safe size is \d+ MiB$");
        (await engine.ListInstancesAsync(Ct)).Single().MemoryMib.ShouldBe(512);
    }

    [Fact]
    public async Task GuestTools_WithoutAGuestAgent_FailFastWithAReason()
    {
        using var node = new LibvirtTestNode(guestAgentWaitSeconds: 3, templateDirectory: null);
        var silent = SilentTemplate(node);
        using var engine = new LibvirtComputeEngine(new LibvirtOptions
        {
            Accelerator = node.Options.Accelerator, TemplateDirectory = silent, PoolName = node.Options.PoolName, PoolPath = node.Options.PoolPath,
            LogDirectory = node.Options.LogDirectory, HostReserveMib = node.Options.HostReserveMib, GuestAgentWaitSeconds = 3,
            Scope = node.Options.Scope, NodeName = node.Options.NodeName,
        });
        var vm = await StartAsync(engine, memoryMib: 256, template: "silent-guest");

        var clock = Stopwatch.StartNew();
        var exec = await Should.ThrowAsync<EngineException>(() => engine.ExecAsync(vm, new ExecCommand(["true"], TimeSpan.FromSeconds(5)), null, Ct));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(8));
        exec.Code.ShouldBe(EngineErrorCode.Unavailable);
        exec.Message.ShouldContain("the guest agent in silent does not answer");

        var guest = await engine.GetGuestInfoAsync(vm, Ct);
        guest.AgentResponding.ShouldBeFalse();
        guest.Tools.ShouldAllBe(t => !t.Available && t.Reason.Contains("does not answer"));
        var shrink = await Should.ThrowAsync<EngineException>(() => engine.SetMemoryAsync(vm, 192, Op(), Ct));
        shrink.Message.ShouldStartWith("cannot shrink to 192 MiB without asking the guest how much it uses");
        // Growing needs no guest agent: the DIMM is plugged regardless.
        (await engine.SetMemoryAsync(vm, 384, Op(), Ct)).MemoryMib.ShouldBe(384);
    }

    [Fact]
    public async Task EveryCall_WhenLibvirtdIsNotRunning_FailsAsUnavailableNamingTheConnection()
    {
        // A libvirtd that is not running leaves no socket behind: the same as pointing at one nobody serves.
        const string uri = "qemu:///system?socket=/run/vzpanel-test-no-libvirtd/libvirt-sock";
        using var engine = new LibvirtComputeEngine(new LibvirtOptions { Uri = uri, Accelerator = "tcg" });

        var node = await Should.ThrowAsync<EngineException>(() => engine.GetNodeInfoAsync(Ct));
        var start = await Should.ThrowAsync<EngineException>(() => engine.StartAsync(Guid.NewGuid().ToString(), Op(), Ct));

        node.Code.ShouldBe(EngineErrorCode.Unavailable);
        node.Message.ShouldStartWith($"libvirt at {uri} is not reachable");
        start.Code.ShouldBe(EngineErrorCode.Unavailable);
    }

    /// <summary>The test guest with its agent switched off on the kernel command line: a VM whose image has no guest tools.</summary>
    private static string SilentTemplate(LibvirtTestNode node)
    {
        var real = VmTemplate.TryLoad(Path.Combine(LibvirtTestNode.TemplateDirectory, LibvirtTestNode.TemplateName))!;
        var folder = Path.Combine(node.Root, "templates", "silent-guest");
        Directory.CreateDirectory(folder);
        VmTemplate.Write(folder, new TemplateJson("silent-guest", "vm", "1", "test guest without its agent", "linux", real.DiskPath,
            real.KernelPath, real.InitrdPath, real.Cmdline + " vzpanel.noagent", GuestAgent: true, MinMemoryMib: 128));
        return Path.GetDirectoryName(folder)!;
    }

    private static async Task<string> StartAsync(IComputeEngine engine, long memoryMib, string template = LibvirtTestNode.TemplateName)
    {
        var id = Guid.NewGuid().ToString();
        await engine.CreateAsync(new InstanceDefinition(id, "silent", InstanceKind.VirtualMachine, template, memoryMib, 0, 1, 1), Op(), Ct);
        (await engine.StartAsync(id, Op(), Ct)).State.ShouldBe(InstanceState.Running);
        return id;
    }

    private static string Op() => Guid.NewGuid().ToString();
}
