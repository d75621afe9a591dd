using VzPanel.Agent.Engines;
using VzPanel.Agent.Tests.Engines;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Host;

/// <summary>The same contract, through the agent's gRPC service over mutual TLS on a real socket.</summary>
public sealed class AgentGrpcContractTests : ComputeEngineContractTests
{
    private readonly InProcessAgent _agent = new();

    protected override async Task<IComputeEngine> CreateEngineAsync()
    {
        await _agent.StartAsync();
        return new GrpcComputeEngine(_agent.Client);
    }

    protected override async Task DisposeEngineAsync(IComputeEngine engine) => await _agent.DisposeAsync();
}
