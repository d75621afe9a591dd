using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Core.Features.Instances.Operations;

public sealed record StartParameters : OperationParameters;

public sealed class StartHandler(ServerOperationStore store, INodeAgentGateway agents) : ServerOperationHandler<StartParameters>(store)
{
    public override OperationKind Kind => OperationKind.Start;
    protected override InstanceState? Transitional => InstanceState.Starting;

    protected override Task<Result<InstanceOnNode?>> RunStepsAsync(ServerSteps steps, StartParameters p, CancellationToken ct) =>
        steps.StepAsync(0, 20, $"Starting on {steps.Node.Name}", s => s?.State == InstanceState.Running,
            change => agents.StartAsync(steps.Node, change, steps.InstanceId, ct));
}
