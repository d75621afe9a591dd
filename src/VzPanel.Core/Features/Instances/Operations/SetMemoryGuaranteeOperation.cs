using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Core.Features.Instances.Operations;

[OperationDescription("instance.guarantee", "memory guarantee")]
public sealed record SetMemoryGuaranteeParameters(int GuaranteePercent) : OperationParameters;

public sealed class SetMemoryGuaranteeHandler(ServerOperationStore store, INodeAgentGateway agents)
    : ServerOperationHandler<SetMemoryGuaranteeParameters>(store)
{
    public override OperationKind Kind => OperationKind.SetMemoryGuarantee;

    protected override Task<Result<InstanceOnNode?>> RunStepsAsync(ServerSteps steps, SetMemoryGuaranteeParameters p, CancellationToken ct) =>
        steps.StepAsync(0, 20, $"Setting the memory guarantee to {p.GuaranteePercent}%", s => s?.MemoryGuaranteePercent == p.GuaranteePercent,
            change => agents.SetMemoryGuaranteeAsync(steps.Node, change, steps.InstanceId, p.GuaranteePercent, ct));
}
