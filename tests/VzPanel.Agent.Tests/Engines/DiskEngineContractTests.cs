using System.Diagnostics;
using System.Globalization;
using VzPanel.Agent.Engines;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>
/// The disk half of the contract, for engines whose instances have a disk image of their own (the sim, libvirt): it grows,
/// stopped or running, and ListVolumes shows the new capacity; it never shrinks. LXC containers have no disk of their own
/// and refuse every resize (<see cref="LxcComputeEngineContractTests"/>).
/// </summary>
public abstract class DiskEngineContractTests : ComputeEngineContractTests
{
    protected const long GiB = 1024L * 1024 * 1024;

    /// <summary>
    /// The size of its disk the guest itself sees, in bytes, once it sees <paramref name="expectedBytes"/> or after a few
    /// seconds; null where there is no guest to ask (the sim).
    /// </summary>
    protected virtual Task<long?> GuestDiskBytesAsync(string instanceId, long expectedBytes) => Task.FromResult<long?>(null);

    /// <summary>Where measurements go: the test's output (the VM tests also keep them in a file).</summary>
    protected virtual void Measured(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [Fact]
    public async Task ResizeDisk_StoppedInstanceToALargerSize_GrowsTheVolume()
    {
        var created = await Engine.CreateAsync(Definition(), Op(), Ct);
        (await VolumeOfAsync(created.Id)).CapacityBytes.ShouldBe(10 * GiB);

        var clock = Stopwatch.StartNew();
        var grown = await Engine.ResizeDiskAsync(created.Id, 12, Op(), Ct);
        Measured(string.Create(CultureInfo.InvariantCulture, $"disk 10 → 12 GiB, stopped: {clock.ElapsedMilliseconds} ms"));

        grown.DiskGib.ShouldBe(12);
        grown.State.ShouldBe(InstanceState.Stopped);
        (await VolumeOfAsync(created.Id)).CapacityBytes.ShouldBe(12 * GiB);
        (await Engine.ListInstancesAsync(Ct)).Single(i => i.Id == created.Id).DiskGib.ShouldBe(12);
    }

    [Fact]
    public async Task ResizeDisk_RunningInstance_GrowsLiveAndTheGuestSeesTheNewSize()
    {
        var running = await CreateRunningAsync();

        var clock = Stopwatch.StartNew();
        var grown = await Engine.ResizeDiskAsync(running.Id, 11, Op(), Ct);
        Measured(string.Create(CultureInfo.InvariantCulture, $"disk 10 → 11 GiB, running: {clock.ElapsedMilliseconds} ms"));

        grown.State.ShouldBe(InstanceState.Running);
        grown.DiskGib.ShouldBe(11);
        (await VolumeOfAsync(running.Id)).CapacityBytes.ShouldBe(11 * GiB);
        if (await GuestDiskBytesAsync(running.Id, 11 * GiB) is { } seen)
            seen.ShouldBe(11 * GiB);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(4)]
    public async Task ResizeDisk_EqualOrSmaller_IsRefusedAndChangesNothing(long diskGib)
    {
        var created = await Engine.CreateAsync(Definition(), Op(), Ct);

        var refusal = await RefusedAsync(() => Engine.ResizeDiskAsync(created.Id, diskGib, Op(), Ct), EngineErrorCode.InvalidArgument);

        refusal.Message.ShouldContain("can only grow");
        (await VolumeOfAsync(created.Id)).CapacityBytes.ShouldBe(10 * GiB);
    }

    [Fact]
    public async Task ResizeDisk_BeyondThePoolsFreeSpace_ThrowsInsufficientResources()
    {
        var created = await Engine.CreateAsync(Definition(), Op(), Ct);

        // A petabyte: more than any test machine's pool has free.
        var refusal = await RefusedAsync(() => Engine.ResizeDiskAsync(created.Id, 1024 * 1024, Op(), Ct), EngineErrorCode.InsufficientResources);

        refusal.Message.ShouldContain("GiB free");
        (await VolumeOfAsync(created.Id)).CapacityBytes.ShouldBe(10 * GiB);
    }

    [Fact]
    public async Task ResizeDisk_UnknownInstance_ThrowsNotFound() =>
        await RefusedAsync(() => Engine.ResizeDiskAsync(Guid.NewGuid().ToString(), 20, Op(), Ct), EngineErrorCode.NotFound);

    private async Task<VolumeInfo> VolumeOfAsync(string instanceId) =>
        (await Engine.ListVolumesAsync(null, Ct)).Single(v => v.InstanceId == instanceId);
}
