using System.Text;
using VzPanel.Agent.Engines;

namespace VzPanel.Agent.Tests.Engines;

public abstract partial class ComputeEngineContractTests
{
    [Fact]
    public async Task Start_UnknownInstance_ThrowsNotFound() =>
        await RefusedAsync(() => Engine.StartAsync(Guid.NewGuid().ToString(), Op(), Ct), EngineErrorCode.NotFound);

    [Fact]
    public async Task Stop_StoppedInstance_ThrowsWrongState()
    {
        var created = await Engine.CreateAsync(Definition(), Op(), Ct);

        var refusal = await RefusedAsync(() => Engine.StopAsync(created.Id, StopMode.Graceful, TimeSpan.FromSeconds(5), Op(), Ct), EngineErrorCode.WrongState);

        refusal.Message.ShouldBe("instance is stopped");
    }

    [Fact]
    public async Task Exec_StoppedInstance_ThrowsWrongState()
    {
        var created = await Engine.CreateAsync(Definition(), Op(), Ct);

        await RefusedAsync(() => Engine.ExecAsync(created.Id, new ExecCommand(["true"], TimeSpan.FromSeconds(5)), null, Ct), EngineErrorCode.WrongState);
    }

    [Fact]
    public async Task Delete_RunningInstance_ThrowsWrongState()
    {
        var instance = await CreateRunningAsync();

        await RefusedAsync(() => Engine.DeleteAsync(instance.Id, false, Op(), Ct), EngineErrorCode.WrongState);
    }

    [Fact]
    public async Task Create_DuplicateId_ThrowsInvalidArgument()
    {
        var definition = Definition();
        await Engine.CreateAsync(definition, Op(), Ct);

        await RefusedAsync(() => Engine.CreateAsync(definition with { Name = "other" }, Op(), Ct), EngineErrorCode.InvalidArgument);
    }

    [Fact]
    public async Task SetVCpus_Zero_ThrowsInvalidArgument()
    {
        var created = await Engine.CreateAsync(Definition(), Op(), Ct);

        await RefusedAsync(() => Engine.SetVCpusAsync(created.Id, 0, Op(), Ct), EngineErrorCode.InvalidArgument);
    }

    [Fact]
    public async Task SetMemoryGuarantee_Over100Percent_ThrowsInvalidArgument()
    {
        var created = await Engine.CreateAsync(Definition(), Op(), Ct);

        await RefusedAsync(() => Engine.SetMemoryGuaranteeAsync(created.Id, 101, Op(), Ct), EngineErrorCode.InvalidArgument);
    }

    [Fact]
    public async Task Start_GuaranteesBeyondNodeMemory_ThrowsInsufficientResourcesAndStaysStopped()
    {
        var node = await Engine.GetNodeInfoAsync(Ct);
        var share = (node.RamMib - node.HostReserveMib) * 6 / 10;
        var first = await CreateRunningAsync(Definition("first", share, guarantee: 100));
        var second = await Engine.CreateAsync(Definition("second", share, guarantee: 100), Op(), Ct);

        var refusal = await RefusedAsync(() => Engine.StartAsync(second.Id, Op(), Ct), EngineErrorCode.InsufficientResources);

        refusal.Message.ShouldContain("guarantees would reach 120% of RAM minus the host reserve");
        (await Engine.ListInstancesAsync(Ct)).Single(i => i.Id == second.Id).State.ShouldBe(InstanceState.Stopped);
        first.State.ShouldBe(InstanceState.Running);
    }

    [Fact]
    public async Task SetMemory_BelowWhatTheGuestUses_ThrowsWrongState()
    {
        var instance = await CreateRunningAsync(Definition(memoryMib: 1024));
        // A real guest must really hold memory: 256 MiB of file in a RAM-backed folder (the sim counts a fixed share anyway).
        await Engine.ExecAsync(instance.Id, new ExecCommand(["dd", "if=/dev/zero", "of=/dev/shm/ballast", "bs=1M", "count=256"], TimeSpan.FromSeconds(30)), null, Ct);

        var refusal = await RefusedAsync(() => Engine.SetMemoryAsync(instance.Id, 200, Op(), Ct), EngineErrorCode.WrongState);

        refusal.Message.ShouldContain("cannot shrink to 200 MiB");
        (await Engine.ListInstancesAsync(Ct)).Single(i => i.Id == instance.Id).MemoryMib.ShouldBe(1024);
    }

    [Fact]
    public async Task Exec_UnknownCommand_Returns127WithCommandNotFound()
    {
        var instance = await CreateRunningAsync();

        var result = await Engine.ExecAsync(instance.Id, new ExecCommand(["frobnicate", "--now"], TimeSpan.FromSeconds(5)), null, Ct);

        result.ExitCode.ShouldBe(127);
        Encoding.UTF8.GetString(result.Stderr).ShouldContain("command not found");
    }

    [Fact]
    public async Task Exec_CommandOutlivesTimeout_ReportsTimedOut()
    {
        var instance = await CreateRunningAsync();

        var result = await Engine.ExecAsync(instance.Id, new ExecCommand(["sleep", "30"], TimeSpan.FromSeconds(1)), null, Ct);

        result.TimedOut.ShouldBeTrue();
    }

    [Fact]
    public async Task Exec_CatWithStdin_EchoesStdinAndHostnameFile()
    {
        var instance = await CreateRunningAsync(Definition("cat") with { Hostname = "cat.example" });

        var piped = await Engine.ExecAsync(instance.Id, new ExecCommand(["cat"], TimeSpan.FromSeconds(5), "piped\n"u8.ToArray()), null, Ct);
        var hostname = await Engine.ExecAsync(instance.Id, new ExecCommand(["cat", "/etc/hostname"], TimeSpan.FromSeconds(5)), null, Ct);

        Encoding.UTF8.GetString(piped.Stdout).ShouldBe("piped\n");
        Encoding.UTF8.GetString(hostname.Stdout).ShouldBe("cat.example\n");
    }

    [Fact]
    public async Task Delete_KeepVolumes_LeavesTheVolume()
    {
        var created = await Engine.CreateAsync(Definition(), Op(), Ct);

        await Engine.DeleteAsync(created.Id, keepVolumes: true, Op(), Ct);

        (await Engine.ListInstancesAsync(Ct)).ShouldNotContain(i => i.Id == created.Id);
        var volume = (await Engine.ListVolumesAsync(null, Ct)).ShouldHaveSingleItem();
        volume.InstanceId.ShouldBe(created.Id);
        volume.Format.ShouldBe(VolumeFormat);
        (await Engine.ListStoragePoolsAsync(Ct)).ShouldContain(p => p.Name == volume.Pool);
    }

    [Fact]
    public async Task SetGuestNetwork_RunningInstance_IsReadBack()
    {
        var instance = await CreateRunningAsync();
        var network = new GuestNetworkConfig("renamed.example", [new GuestInterfaceConfig("eth0", "", ["198.51.100.7/24"])], "198.51.100.1", ["198.51.100.53"]);

        await Engine.SetGuestNetworkAsync(instance.Id, network, Op(), Ct);
        var read = await Engine.GetGuestNetworkAsync(instance.Id, Ct);

        read.Hostname.ShouldBe("renamed.example");
        read.Interfaces.SelectMany(i => i.Addresses).ShouldBe(["198.51.100.7/24"]);
        read.Gateway.ShouldBe("198.51.100.1");
        read.DnsServers.ShouldBe(["198.51.100.53"]);
    }

    [Fact]
    public async Task SetUserPassword_RunningInstance_Succeeds()
    {
        var instance = await CreateRunningAsync();

        var after = await Engine.SetUserPasswordAsync(instance.Id, "root", "correct horse battery staple", Op(), Ct);

        after.Id.ShouldBe(instance.Id);
    }

    [Fact]
    public async Task GetKsmStats_TwoRunningInstancesOfOneTemplate_ReportsSharing()
    {
        await CreateRunningAsync(Definition("a"));
        await CreateRunningAsync(Definition("b"));

        var ksm = await Engine.GetKsmStatsAsync(Ct);

        ksm.Available.ShouldBeTrue();
        ksm.PagesSharing.ShouldBeGreaterThanOrEqualTo(0);
    }
}
