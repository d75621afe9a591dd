using System.Diagnostics;
using System.Globalization;
using System.Text;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>The shared contract against real libvirtd and QEMU (TCG), booting the real test guest.</summary>
[Collection(LibvirtCollection.Name)]
public sealed class LibvirtComputeEngineContractTests : DiskEngineContractTests
{
    private readonly LibvirtTestNode _node = new();

    protected override InstanceKind Kind => InstanceKind.VirtualMachine;
    protected override string Template => LibvirtTestNode.TemplateName;

    protected override Task<IComputeEngine> CreateEngineAsync() => Task.FromResult<IComputeEngine>(_node.CreateEngine());

    protected override void Measured(string line) => VmTimings.Write(line);

    /// <summary>Sectors of 512 bytes in the guest's /sys/block/vda/size; the guest learns of a resize from a virtio config interrupt.</summary>
    protected override async Task<long?> GuestDiskBytesAsync(string instanceId, long expectedBytes)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var read = await Engine.ExecAsync(instanceId, new ExecCommand(["cat", "/sys/block/vda/size"], TimeSpan.FromSeconds(10)), null, Ct);
            read.ExitCode.ShouldBe(0, Encoding.UTF8.GetString(read.Stderr));
            var bytes = long.Parse(Encoding.ASCII.GetString(read.Stdout).Trim(), CultureInfo.InvariantCulture) * 512;
            if (bytes == expectedBytes || clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                Measured(string.Create(CultureInfo.InvariantCulture, $"the guest saw {bytes} bytes on vda {clock.ElapsedMilliseconds} ms after the resize returned"));
                return bytes;
            }
            await Task.Delay(100, Ct);
        }
    }

    protected override Task DisposeEngineAsync(IComputeEngine engine)
    {
        ((IDisposable)engine).Dispose();
        _node.Dispose();
        return Task.CompletedTask;
    }
}
