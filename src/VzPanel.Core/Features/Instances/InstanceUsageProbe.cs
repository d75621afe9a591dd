using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Agents;

namespace VzPanel.Core.Features.Instances;

/// <summary>Asks a node, quickly, how much memory an instance uses right now (for the shrink check).</summary>
public sealed class InstanceUsageProbe(INodeAgentGateway agents)
{
    /// <returns>MiB in use, or null when the node does not answer in time (the node then judges the shrink itself).</returns>
    public async Task<long?> UsedMiBAsync(Node node, Guid instanceId, CancellationToken ct) =>
        await agents.FindInstanceAsync(AgentNode.Of(node), instanceId, ct) is { IsSuccess: true, Value: { } found } ? found.MemoryUsedMiB : null;
}
