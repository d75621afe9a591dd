using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Core.Features.Instances.Operations;

[OperationDescription("instance.memory", "memory")]
public sealed record SetMemoryParameters(long MemoryMiB) : OperationParameters;

/// <summary>Changes the server's memory live (VMs plug or unplug DIMMs, containers move their limit).</summary>
public sealed class SetMemoryHandler(ServerOperationStore store, INodeAgentGateway agents) : ServerOperationHandler<SetMemoryParameters>(store)
{
    public override OperationKind Kind => OperationKind.SetMemory;

    protected override Task<Result<InstanceOnNode?>> RunStepsAsync(ServerSteps steps, SetMemoryParameters p, CancellationToken ct) =>
        steps.StepAsync(0, 20, $"Setting memory to {p.MemoryMiB} MiB live", s => s?.MemoryMiB == p.MemoryMiB,
            change => agents.SetMemoryAsync(steps.Node, change, steps.InstanceId, p.MemoryMiB, ct));
}
