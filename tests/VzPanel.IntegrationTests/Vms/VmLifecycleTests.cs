using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Tests.Support;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Operations;

namespace VzPanel.IntegrationTests.Vms;

/// <summary>
/// One real VM through the REST API, as its customer runs it: created from vzpanel-test-guest, memory plugged in live
/// and taken back (and the same changes sent straight to the agent, to see the panel's share of the time), a shrink
/// below what the guest uses refused, deleted. What the guest itself sees is read through its guest agent. The steps
/// share one VM (one boot for the class) and run in order. Timings go to artifacts/vm-timings.txt.
/// </summary>
[Collection(nameof(VmFleetCollection))]
[TestMethodOrderer(typeof(StepOrderer))]
public sealed partial class VmLifecycleTests(VmFleet fleet, VmLifecycleTests.SharedVm vm) : IClassFixture<VmLifecycleTests.SharedVm>
{
    private const string Name = "vm-api-1";
    private static readonly TimeSpan BootWithin = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ChangeWithin = TimeSpan.FromSeconds(90);

    /// <summary>The VM the steps share.</summary>
    public sealed class SharedVm
    {
        public Guid Id { get; set; }
        public OperationTiming? Grow { get; set; }
        public OperationTiming? Shrink { get; set; }

        public Guid Require() => Id != Guid.Empty ? Id : throw new InvalidOperationException("Step 1 did not create the VM; see its failure.");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NodeAgent.NodeAgentClient Agent => fleet.Agents.For(fleet.NodeId, fleet.Agent.Address);

    [Fact, Step(1)]
    public async Task Create_512MiB_RunsAndItsGuestAgentAnswers()
    {
        await using var owner = await fleet.OwnerAsync();

        var create = (await OperationTiming.MeasureAsync(owner, "create 512 MiB VM until Running", () => owner.CreateAsync(new
        {
            name = Name, kind = "Vm", template = VmFleet.Template, memory = "512M", memoryGuaranteePercent = 50, vCpus = 1,
        }), BootWithin)).ShouldHaveSucceeded();
        vm.Id = create.InstanceId;

        var instance = (await owner.Http.GetFromJsonAsync<JsonElement>($"/api/v1/instances/{vm.Id}", Ct)).GetProperty("instance");
        instance.GetProperty("state").GetString().ShouldBe("Running");
        instance.GetProperty("memoryMiB").GetInt64().ShouldBe(512);
        instance.GetProperty("nodeName").GetString().ShouldBe(VmFleet.NodeName);
        var onNode = (await fleet.Agents.ListInstancesAsync(fleet.NodeId, fleet.Agent.Address, Ct)).Single(i => i.Id == vm.Id.ToString());
        onNode.State.ShouldBe(VzPanel.Agent.Contracts.InstanceState.Running);
        var booted = await fleet.GuestMemoryAsync(vm.Id);   // the guest agent answers exec
        booted.TotalMiB.ShouldBeInRange(384L, 512L);
        // Its QCOW2 overlay as libvirt reported it: the default 10 GiB, in the node's pool, a little of it allocated.
        var details = await owner.Http.GetFromJsonAsync<JsonElement>($"/api/v1/instances/{vm.Id}", Ct);
        details.GetProperty("diskGiB").GetInt64().ShouldBe(10);
        details.GetProperty("diskAllocatedMiB").GetInt64().ShouldBeInRange(0L, 1024L);
        await using (var db = fleet.Database.CreateContext())
        {
            var volume = await db.Volumes.SingleAsync(v => v.InstanceId == vm.Id, Ct);
            (volume.Name, volume.SizeBytes, volume.Format).ShouldBe(($"{vm.Id}-disk0.qcow2", 10L << 30, Core.Features.Storage.VolumeFormat.Qcow2));
        }

        VmTimings.Write(create.ToString());
        VmTimings.Write($"VM start until its guest agent answered: {GuestAgentAnswered(vm.Id)} (agent log); the guest after boot: {booted}");
    }

    [Fact, Step(2)]
    public async Task Memory_GrowLive_ThePanelPlugsADimmTheGuestSees()
    {
        var id = vm.Require();
        await using var owner = await fleet.OwnerAsync();
        var before = await fleet.GuestMemoryAsync(id);

        var grow = (await OperationTiming.MeasureAsync(owner, "panel: memory 512 → 1024 MiB live", () => owner.SetMemoryAsync(Name, "1024M"), ChangeWithin))
            .ShouldHaveSucceeded();

        // The guest onlines the DIMM's 128 MiB blocks by itself, a moment after the plug returned.
        var clock = Stopwatch.StartNew();
        var grown = await WaitForGuestAsync(id, m => m.TotalMiB >= before.TotalMiB + 448, "the guest to online the new DIMM");
        grown.TotalMiB.ShouldBeInRange(before.TotalMiB + 448, before.TotalMiB + 576, $"before: {before}; after: {grown}");
        VmTimings.Write($"{grow}; the guest showed it {clock.ElapsedMilliseconds} ms later: {before} → {grown}");
        vm.Grow = grow;
    }

    [Fact, Step(3)]
    public async Task Memory_ShrinkLive_TheGuestGivesTheMemoryBack()
    {
        var id = vm.Require();
        await using var owner = await fleet.OwnerAsync();
        var before = await fleet.GuestMemoryAsync(id);

        var shrink = (await OperationTiming.MeasureAsync(owner, "panel: memory 1024 → 512 MiB live", () => owner.SetMemoryAsync(Name, "512M"), ChangeWithin))
            .ShouldHaveSucceeded();

        var clock = Stopwatch.StartNew();
        var after = await WaitForGuestAsync(id, m => m.TotalMiB <= before.TotalMiB - 384, "MemTotal to drop by the 512 MiB taken away");
        after.AvailableMiB.ShouldBeLessThan(before.AvailableMiB);
        (await fleet.Agents.ListInstancesAsync(fleet.NodeId, fleet.Agent.Address, Ct)).Single(i => i.Id == id.ToString()).MemoryMib.ShouldBe(512);
        VmTimings.Write($"{shrink}; the guest showed it {clock.ElapsedMilliseconds} ms later: {before} → {after}");
        vm.Shrink = shrink;
    }

    /// <summary>
    /// The same two changes straight at the agent (NodeAgent.SetMemory with a fresh operation id, as the panel's job sends
    /// it) and again through the panel, now warm, three rounds each: how much of a hotplug is the panel's.
    /// </summary>
    [Fact, Step(4)]
    public async Task Memory_SameChangesStraightAtTheAgent_ShowThePanelsShare()
    {
        var id = vm.Require();
        await using var owner = await fleet.OwnerAsync();
        var booted = await fleet.GuestMemoryAsync(id);
        List<TimeSpan> agentGrows = [], agentShrinks = [];
        List<OperationTiming> panelGrows = [vm.Grow.ShouldNotBeNull()], panelShrinks = [vm.Shrink.ShouldNotBeNull()];

        for (var round = 0; round < 3; round++)
        {
            agentGrows.Add(await AgentSetMemoryAsync(id, 1024));
            (await WaitForGuestAsync(id, m => m.TotalMiB >= booted.TotalMiB + 448, "the guest to online the new DIMM"))
                .TotalMiB.ShouldBeInRange(booted.TotalMiB + 448, booted.TotalMiB + 576);
            agentShrinks.Add(await AgentSetMemoryAsync(id, 512));
            await WaitForGuestAsync(id, m => m.TotalMiB <= booted.TotalMiB + 64, "the guest to give the 512 MiB back");
            panelGrows.Add((await OperationTiming.MeasureAsync(owner, "panel: memory 512 → 1024 MiB live", () => owner.SetMemoryAsync(Name, "1024M"),
                ChangeWithin)).ShouldHaveSucceeded());
            (await WaitForGuestAsync(id, m => m.TotalMiB >= booted.TotalMiB + 448, "the guest to online the new DIMM"))
                .TotalMiB.ShouldBeInRange(booted.TotalMiB + 448, booted.TotalMiB + 576);
            panelShrinks.Add((await OperationTiming.MeasureAsync(owner, "panel: memory 1024 → 512 MiB live", () => owner.SetMemoryAsync(Name, "512M"),
                ChangeWithin)).ShouldHaveSucceeded());
            await WaitForGuestAsync(id, m => m.TotalMiB <= booted.TotalMiB + 64, "the guest to give the 512 MiB back");
        }

        var counters = await Agent.GetCountersAsync(new InstanceRef { InstanceId = id.ToString() }, cancellationToken: Ct);
        VmTimings.Write(Share("grow 512 → 1024 MiB (plug a DIMM)", panelGrows, agentGrows));
        VmTimings.Write(Share("shrink 1024 → 512 MiB (unplug it)", panelShrinks, agentShrinks));
        VmTimings.Write($"hotplugged memory left in the VM after the rounds: {counters.Counters.Single(r => r.Resource == "dimmpages").Held / 256} MiB");
    }

    [Fact, Step(5)]
    public async Task Memory_ShrinkBelowWhatTheGuestUses_IsRefusedNamingTheNumbers()
    {
        var id = vm.Require();
        await using var owner = await fleet.OwnerAsync();
        // 150 MiB of files in the guest's RAM-backed root file system (a tmpfs of half its memory): memory it cannot hand back.
        await GuestMemory.ExecAsync(Agent, id, "dd", "if=/dev/zero", "of=/ballast", "bs=1M", "count=150");
        var filled = await fleet.GuestMemoryAsync(id);
        filled.UsedMiB.ShouldBeGreaterThan(160);

        var response = await owner.SetMemoryAsync(Name, "160M");
        string reason;
        if (response.IsSuccessStatusCode)
        {
            var operation = await owner.FinishedAsync((await response.AcceptedAsync()).OperationId, ChangeWithin);
            operation.GetProperty("state").GetString().ShouldBe("Failed", operation.ToString());
            reason = operation.GetProperty("error").GetString()!;
        }
        else
        {
            var problem = await response.ProblemAsync();
            ((int)problem.Status).ShouldBeInRange(400, 499, problem.Body);
            reason = problem.Detail!;
        }

        reason.ShouldContain("160 MiB");
        UsesMiB().IsMatch(reason).ShouldBeTrue(reason);
        VmTimings.Write($"shrink to 160 MiB with {filled.UsedMiB} MiB used in the guest: refused {(response.IsSuccessStatusCode ? "by the node (operation failed)" : $"by the panel ({(int)response.StatusCode})")}: {reason}");
        (await fleet.GuestMemoryAsync(id)).TotalMiB.ShouldBe(filled.TotalMiB);
        var instance = (await owner.Http.GetFromJsonAsync<JsonElement>($"/api/v1/instances/{id}", Ct)).GetProperty("instance");
        instance.GetProperty("memoryMiB").GetInt64().ShouldBe(512);
        instance.GetProperty("state").GetString().ShouldBe("Running");
        await GuestMemory.ExecAsync(Agent, id, "rm", "/ballast");
    }

    [Fact, Step(6)]
    public async Task Delete_RemovesTheVmAndItsDiskFromTheNode()
    {
        var id = vm.Require();
        await using var owner = await fleet.OwnerAsync();

        var delete = (await OperationTiming.MeasureAsync(owner, "delete running VM (power off, undefine, disk)", () => owner.DeleteAsync(Name), ChangeWithin))
            .ShouldHaveSucceeded();

        VmTimings.Write(delete.ToString());
        (await fleet.Agents.ListInstancesAsync(fleet.NodeId, fleet.Agent.Address, Ct)).ShouldNotContain(i => i.Id == id.ToString());
        var volumes = await Agent.ListVolumesAsync(new ListVolumesRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: Ct);
        volumes.Volumes.ShouldNotContain(v => v.InstanceId == id.ToString() || v.Name.StartsWith(id.ToString(), StringComparison.Ordinal));
        fleet.Libvirt.Domains().ShouldNotContain(id.ToString());   // libvirt itself agrees
        // The browser test may have its own VM in the same pool; only this one's disk must be gone.
        fleet.Libvirt.Volumes().ShouldNotContain(v => v.StartsWith(id.ToString(), StringComparison.Ordinal));
        (await owner.Http.GetAsync($"/api/v1/instances/{id}", Ct)).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
    }
}
