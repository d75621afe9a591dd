using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Core.Features.Instances.Operations;

public sealed record RestartParameters : OperationParameters;

public sealed class RestartHandler(ServerOperationStore store, INodeAgentGateway agents) : ServerOperationHandler<RestartParameters>(store)
{
    public override OperationKind Kind => OperationKind.Restart;

    // Nothing the node reports shows that a restart already happened, so a retry restarts again (the agent's journal
    // still recognises a restart it finished).
    protected override Task<Result<InstanceOnNode?>> RunStepsAsync(ServerSteps steps, RestartParameters p, CancellationToken ct) =>
        steps.StepAsync(0, 20, "Restarting", _ => false, change => agents.RestartAsync(steps.Node, change, steps.InstanceId, ct));
}
