using VzPanel.Agent.Engines;
using VzPanel.Agent.Tests.Engines;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Host;

/// <summary>The same contract, through the agent's gRPC service over mutual TLS on a real socket.</summary>
public sealed class AgentGrpcContractTests : DiskEngineContractTests
{
    private readonly InProcessAgent _agent = new();

    protected override async Task<IComputeEngine> CreateEngineAsync()
    {
        await _agent.StartAsync();
        return new GrpcComputeEngine(_agent.Client);
    }

    protected override async Task DisposeEngineAsync(IComputeEngine engine) => await _agent.DisposeAsync();

    [Fact]
    public async Task ResizeDisk_SameOperationIdAgain_ReplaysTheFirstReplyInsteadOfRefusingTheEqualSize()
    {
        var created = await Engine.CreateAsync(Definition(), Op(), Ct);
        var request = new Contracts.ResizeDiskRequest { OperationId = Op(), InstanceId = created.Id, DiskGib = 12 };

        var first = await _agent.Client.ResizeDiskAsync(request, cancellationToken: Ct);
        var again = await _agent.Client.ResizeDiskAsync(request, cancellationToken: Ct);

        (first.Replayed, first.Instance.DiskGib).ShouldBe((false, 12L));
        (again.Replayed, again.Instance.DiskGib).ShouldBe((true, 12L));   // a new id would be refused: 12 GiB is no longer growth
        var reused = await Should.ThrowAsync<global::Grpc.Core.RpcException>(
            () => _agent.Client.ResizeDiskAsync(new Contracts.ResizeDiskRequest { OperationId = request.OperationId, InstanceId = created.Id, DiskGib = 14 },
                cancellationToken: Ct).ResponseAsync);
        reused.StatusCode.ShouldBe(global::Grpc.Core.StatusCode.FailedPrecondition);
    }
}
