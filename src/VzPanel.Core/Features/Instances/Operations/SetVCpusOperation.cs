using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Core.Features.Instances.Operations;

[OperationDescription("instance.vcpus", "vCPUs")]
public sealed record SetVCpusParameters(int VCpus) : OperationParameters;

public sealed class SetVCpusHandler(ServerOperationStore store, INodeAgentGateway agents) : ServerOperationHandler<SetVCpusParameters>(store)
{
    public override OperationKind Kind => OperationKind.SetVCpus;

    protected override Task<Result<InstanceOnNode?>> RunStepsAsync(ServerSteps steps, SetVCpusParameters p, CancellationToken ct) =>
        steps.StepAsync(0, 20, $"Setting vCPUs to {p.VCpus}", s => s?.VCpus == p.VCpus,
            change => agents.SetVCpusAsync(steps.Node, change, steps.InstanceId, p.VCpus, ct));
}
