using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VzPanel.Agent.Tests.Support;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Operations;
using VzPanel.IntegrationTests.Vms;

namespace VzPanel.IntegrationTests.Migration;

/// <summary>
/// Migrations through the panel between real nodes: a VM live between two libvirt daemons while a loop inside it keeps
/// counting, and a container cold between two LXC nodes. The measured numbers go to artifacts/vm-timings.txt.
/// </summary>
[Collection(nameof(RealMigrationCollection))]
public sealed class RealMigrationTests(RealMigrationFleet fleet)
{
    private static readonly TimeSpan Within = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Vm_MovesLiveBetweenLibvirtNodes_WithItsHotpluggedMemory_WhileItsLoopKeepsCounting()
    {
        await using var admin = await fleet.AdminAsync();
        var vm = await fleet.RunningServerAsync(admin, "real-vm", "Vm", RealMigrationFleet.VmTemplate, fleet.KvmA, "512M");
        await admin.SucceededAsync((await (await admin.SetMemoryAsync(vm.ToString(), "768M")).AcceptedAsync()).OperationId, Within);
        var source = fleet.Agents.For(fleet.KvmA.Id, fleet.KvmA.Address);
        await GuestMemory.ExecAsync(source, vm, "sh", "-c", "(i=0; while :; do i=$((i+1)); echo $i > /run/ticks; sleep 0.5; done) >/dev/null 2>&1 &");
        var before = await GuestMemory.ReadAsync(source, vm);
        var ticksBefore = await TicksAsync(source, vm);

        var clock = Stopwatch.StartNew();
        var accepted = await (await MigrationFleet.MigrateAsync(admin, vm, new { targetNodeId = fleet.KvmB.Id })).AcceptedAsync();
        var operation = await admin.SucceededAsync(accepted.OperationId, Within);
        var seen = clock.Elapsed;

        var target = fleet.Agents.For(fleet.KvmB.Id, fleet.KvmB.Address);
        (await MigrationFleet.NodeOfAsync(admin, vm)).ShouldBe("kvm-b");
        var ticksAfter = await TicksAsync(target, vm);
        ticksAfter.ShouldBeGreaterThan(ticksBefore, "the loop went on counting across the move");
        // A guest under TCG can take a while to catch up with its timers after the switch-over; what matters is that it counts on.
        await Eventually.ReadAsync(() => TicksAsync(target, vm), ticks => ticks > ticksAfter, TimeSpan.FromSeconds(30), "the loop counting on the target");
        (await GuestMemory.ReadAsync(target, vm)).TotalMiB.ShouldBe(before.TotalMiB, "the hotplugged DIMM came along");
        fleet.VmsA.Domains().ShouldBeEmpty();
        fleet.VmsA.Volumes().ShouldBeEmpty();
        fleet.VmsB.Domains().ShouldBe([vm.ToString()]);

        var run = operation.GetProperty("migration");
        run.GetProperty("mode").GetString().ShouldBe("Live");
        VmTimings.Write(Describe("VM 768 MiB (512 MiB + a DIMM) live kvm-a → kvm-b", run, seen));
        await admin.RemoveAsync(vm);
    }

    [Fact]
    public async Task Container_MovesColdBetweenLxcNodes_WithItsFiles_AndRunsThere()
    {
        await using var admin = await fleet.AdminAsync();
        var ct = await fleet.RunningServerAsync(admin, "real-ct", "Ct", RealMigrationFleet.CtTemplate, fleet.CtA, "256M");
        var source = fleet.Agents.For(fleet.CtA.Id, fleet.CtA.Address);
        await GuestMemory.ExecAsync(source, ct, "sh", "-c", "echo kept-across-the-move > /root/marker");

        var clock = Stopwatch.StartNew();
        var accepted = await (await MigrationFleet.MigrateAsync(admin, ct, new { targetNodeId = fleet.CtB.Id })).AcceptedAsync();
        var operation = await admin.SucceededAsync(accepted.OperationId, Within);
        var seen = clock.Elapsed;

        (await MigrationFleet.NodeOfAsync(admin, ct)).ShouldBe("ct-b");
        var target = fleet.Agents.For(fleet.CtB.Id, fleet.CtB.Address);
        (await GuestMemory.ExecAsync(target, ct, "cat", "/root/marker")).Stdout.ToStringUtf8().Trim().ShouldBe("kept-across-the-move");
        (await fleet.Agents.ListInstancesAsync(fleet.CtA.Id, fleet.CtA.Address)).ShouldNotContain(i => i.Id == ct.ToString());
        var run = operation.GetProperty("migration");
        run.GetProperty("mode").GetString().ShouldBe("Cold");
        VmTimings.Write(Describe("container 256 MiB (busybox) cold ct-a → ct-b", run, seen));
        await admin.RemoveAsync(ct);
    }

    /// <summary>
    /// The guest loop's count. Its shell truncates /run/ticks before writing each number, and the first one comes a moment
    /// after the loop starts: a read can find the file empty or not there yet, so such a read is asked again. Right after
    /// the switch-over (and, on a busy machine, right after a DIMM was plugged) the guest agent may not answer for a while
    /// under TCG; that is asked again too. The loop sleeps half a second so its forks leave the guest's one vCPU to its agent.
    /// </summary>
    private static async Task<long> TicksAsync(VzPanel.Agent.Contracts.NodeAgent.NodeAgentClient agent, Guid id)
    {
        var patience = TimeSpan.FromSeconds(60);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var text = "";
            try
            {
                text = (await GuestMemory.ExecAsync(agent, id, "sh", "-c", "cat /run/ticks 2>/dev/null || true")).Stdout.ToStringUtf8().Trim();
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable && clock.Elapsed < patience)
            {
            }
            if (text.Length > 0 || clock.Elapsed > patience) return long.Parse(text, CultureInfo.InvariantCulture);
            await Task.Delay(50);
        }
    }

    private static string Describe(string what, JsonElement run, TimeSpan seen)
    {
        var total = run.GetProperty("totalMs").GetInt64();
        var transfer = run.GetProperty("transferMs").GetInt64();
        return $"{what}: downtime {run.GetProperty("downtimeMs").GetInt64()} ms, nodes' transfer {transfer} ms, total {total} ms "
            + $"(panel's share {total - transfer} ms), {run.GetProperty("transferredBytes").GetInt64() / 1024} KiB sent; "
            + $"{seen.TotalMilliseconds:0} ms from the request to the client seeing it done";
    }
}
