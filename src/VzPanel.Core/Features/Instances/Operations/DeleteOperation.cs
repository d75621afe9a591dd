using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Core.Features.Instances.Operations;

/// <param name="KeepVolumes">Keep the server's disks on the node (they stay recorded as volumes of no server).</param>
public sealed record DeleteParameters(bool KeepVolumes) : OperationParameters;

/// <summary>Powers the server off and deletes it from its node; one the node no longer has is only removed from the inventory.</summary>
public sealed class DeleteHandler(ServerOperationStore store, INodeAgentGateway agents) : ServerOperationHandler<DeleteParameters>(store)
{
    public override OperationKind Kind => OperationKind.Delete;
    protected override InstanceState? Transitional => InstanceState.Deleting;
    protected override bool RemovesServer => true;

    protected override async Task<Result<InstanceOnNode?>> RunStepsAsync(ServerSteps steps, DeleteParameters p, CancellationToken ct)
    {
        // A running server is powered off first; the person confirmed the delete, not a shutdown wait.
        var off = await steps.StepAsync(1, 10, "Powering off", s => s is null || s.State == InstanceState.Stopped,
            change => agents.StopAsync(steps.Node, change, steps.InstanceId, force: true, timeoutSeconds: 0, ct), lookFirst: true);
        var deleted = off.IsSuccess
            ? await steps.StepAsync(0, 40, $"Deleting from {steps.Node.Name}", s => s is null,
                change => agents.DeleteAsync(steps.Node, change, steps.InstanceId, p.KeepVolumes, ct))
            : off;
        // Already gone from the node: deleting it from the inventory is all that is left.
        if (deleted.IsSuccess || deleted.Error!.IsMissing()) return new Result<InstanceOnNode?>(null, null);
        // The node may have deleted it and lost the reply, then stayed away past the retry window: what it has now decides.
        if (deleted.Error!.IsSilence() && await agents.FindInstanceAsync(steps.Node, steps.InstanceId, ct) is { IsSuccess: true, Value: null })
            return new Result<InstanceOnNode?>(null, null);
        return deleted.Error!;
    }
}
