using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Core.Features.Instances.Operations;

/// <param name="DiskGiB">The size the disk grows to.</param>
[OperationDescription("instance.disk", "disk")]
public sealed record ResizeDiskParameters(long DiskGiB) : OperationParameters;

public sealed class ResizeDiskHandler(ServerOperationStore store, INodeAgentGateway agents) : ServerOperationHandler<ResizeDiskParameters>(store)
{
    public override OperationKind Kind => OperationKind.ResizeDisk;
    protected override bool ChangesVolumes => true;

    protected override Task<Result<InstanceOnNode?>> RunStepsAsync(ServerSteps steps, ResizeDiskParameters p, CancellationToken ct) =>
        steps.StepAsync(0, 20, $"Growing the disk to {p.DiskGiB} GiB on {steps.Node.Name}", s => s?.DiskGiB >= p.DiskGiB,
            change => agents.ResizeDiskAsync(steps.Node, change, steps.InstanceId, p.DiskGiB, ct));
}
