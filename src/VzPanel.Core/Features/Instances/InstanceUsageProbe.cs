using Grpc.Core;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Agents;

namespace VzPanel.Core.Features.Instances;

/// <summary>Asks a node, quickly, how much memory an instance uses right now (for the shrink check).</summary>
public sealed class InstanceUsageProbe(AgentClients agents, TimeProvider clock)
{
    /// <returns>MiB in use, or null when the node does not answer in time (the node then judges the shrink itself).</returns>
    public async Task<long?> UsedMiBAsync(Node node, Guid instanceId, CancellationToken ct)
    {
        try
        {
            var found = await agents.For(node.Id, node.ManagementAddress)
                .FindInstanceAsync(instanceId, new CallOptions(deadline: clock.GetUtcNow().AddSeconds(3).UtcDateTime, cancellationToken: ct));
            return found?.MemoryUsedMib;
        }
        catch (RpcException)
        {
            return null;
        }
    }
}
