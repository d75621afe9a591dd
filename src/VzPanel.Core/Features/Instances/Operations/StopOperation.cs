using Microsoft.Extensions.Options;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Options;

namespace VzPanel.Core.Features.Instances.Operations;

/// <param name="Force">Power off at once instead of asking the guest to shut down.</param>
public sealed record StopParameters(bool Force) : OperationParameters;

/// <summary>Shuts the server down (powered off after <c>Jobs:GracefulStopSeconds</c>), or powers it off when forced.</summary>
public sealed class StopHandler(ServerOperationStore store, INodeAgentGateway agents, IOptions<JobOptions> options) : ServerOperationHandler<StopParameters>(store)
{
    public override OperationKind Kind => OperationKind.Stop;
    protected override InstanceState? Transitional => InstanceState.Stopping;

    protected override Task<Result<InstanceOnNode?>> RunStepsAsync(ServerSteps steps, StopParameters p, CancellationToken ct)
    {
        var grace = options.Value.GracefulStopSeconds;
        return steps.StepAsync(0, 20, p.Force ? "Powering off" : $"Shutting down (powered off after {grace} s)", s => s?.State == InstanceState.Stopped,
            change => agents.StopAsync(steps.Node, change, steps.InstanceId, p.Force, grace, ct));
    }
}
