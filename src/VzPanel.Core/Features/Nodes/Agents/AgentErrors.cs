using Grpc.Core;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Operations.Jobs;

namespace VzPanel.Core.Features.Nodes.Agents;

/// <summary>A failed read from a node's agent, as an answer people can act on.</summary>
public static class AgentErrors
{
    /// <summary>How long a page or an API call waits for a node's agent to answer a read.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    public static Error Unavailable(string nodeName, RpcException ex)
    {
        var reason = AgentCall.Describe(ex).TrimEnd('.');
        return Error.Unavailable(ex.StatusCode switch
        {
            StatusCode.Unimplemented => $"Node {nodeName} runs an agent that cannot answer this yet; update the agent.",
            _ when AgentCall.IsTransient(ex) => $"Node {nodeName} did not answer: {reason}.",
            _ => $"Node {nodeName} could not answer: {reason}.",
        });
    }

    /// <summary>A node that never enrolled has no agent to ask.</summary>
    public static Error NotEnrolled(string nodeName) =>
        Error.Unavailable($"Node {nodeName} has not enrolled yet, so there is no agent to ask. Run the enroll command on the host.");
}
