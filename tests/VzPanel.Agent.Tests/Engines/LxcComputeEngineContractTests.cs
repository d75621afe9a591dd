using VzPanel.Agent.Engines;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Engines;

/// <summary>The shared contract against real LXC, with containers from the busybox template.</summary>
[Collection(LxcCollection.Name)]
public sealed class LxcComputeEngineContractTests : ComputeEngineContractTests
{
    private readonly LxcTestNode _node = new();

    protected override InstanceKind Kind => InstanceKind.Container;
    protected override string Template => LxcTestNode.TemplateName;
    protected override string VolumeFormat => "dir";

    protected override Task<IComputeEngine> CreateEngineAsync() => Task.FromResult<IComputeEngine>(_node.CreateEngine());

    protected override Task DisposeEngineAsync(IComputeEngine engine)
    {
        ((IDisposable)engine).Dispose();
        _node.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class LxcCollection
{
    public const string Name = "lxc";
}
