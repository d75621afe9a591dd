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

    [Fact]
    public async Task ResizeDisk_Container_IsRefusedBecauseItsRootIsAFolder()
    {
        var created = await Engine.CreateAsync(Definition(), Op(), Ct);

        var refusal = await RefusedAsync(() => Engine.ResizeDiskAsync(created.Id, 20, Op(), Ct), EngineErrorCode.InvalidArgument);

        refusal.Message.ShouldContain("has no disk to grow: its root file system is a folder on the node");
        (await Engine.ListVolumesAsync(null, Ct)).Single(v => v.InstanceId == created.Id).CapacityBytes.ShouldBe(10L * 1024 * 1024 * 1024);
    }

    [Fact]
    public async Task ResizeDisk_UnknownContainer_ThrowsNotFound() =>
        await RefusedAsync(() => Engine.ResizeDiskAsync(Guid.NewGuid().ToString(), 20, Op(), Ct), EngineErrorCode.NotFound);

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
