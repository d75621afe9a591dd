using Grpc.Core;
using VzPanel.Agent.Contracts;

namespace VzPanel.Core.Features.Nodes.Agents;

public static class NodeAgentClientExtensions
{
    /// <summary>The instance as the node reports it now, or null when the node does not have it.</summary>
    public static async Task<InstanceStatus?> FindInstanceAsync(this NodeAgent.NodeAgentClient client, Guid instanceId, CallOptions options)
    {
        var id = instanceId.ToString();
        return (await client.ListInstancesAsync(new ListInstancesRequest(), options)).Instances.FirstOrDefault(i => i.Id == id);
    }
}
