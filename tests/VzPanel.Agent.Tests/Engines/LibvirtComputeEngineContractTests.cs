using VzPanel.Agent.Engines;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>The shared contract against real libvirtd and QEMU (TCG), booting the real test guest.</summary>
[Collection(LibvirtCollection.Name)]
public sealed class LibvirtComputeEngineContractTests : ComputeEngineContractTests
{
    private readonly LibvirtTestNode _node = new();

    protected override InstanceKind Kind => InstanceKind.VirtualMachine;
    protected override string Template => LibvirtTestNode.TemplateName;

    protected override Task<IComputeEngine> CreateEngineAsync() => Task.FromResult<IComputeEngine>(_node.CreateEngine());

    protected override Task DisposeEngineAsync(IComputeEngine engine)
    {
        ((IDisposable)engine).Dispose();
        _node.Dispose();
        return Task.CompletedTask;
    }
}
