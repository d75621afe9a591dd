using VzPanel.Core.Common;

namespace VzPanel.Core.Features.Nodes.Agents;

/// <summary>
/// How a node's agent failed, as <see cref="Error"/> codes: it did not answer (<see cref="ErrorCodes.Unavailable"/>),
/// it looked and said no (<see cref="ErrorCodes.NodeRefused"/>, <see cref="ErrorCodes.NodeMissing"/>: nothing was
/// changed), or it answered with a failure of its own (<see cref="ErrorCodes.NodeFailed"/>).
/// </summary>
public static class AgentErrors
{
    /// <summary>The node said no after looking at the request: nothing was changed there.</summary>
    public static bool IsRefusal(this Error error) => error.Code is ErrorCodes.NodeRefused or ErrorCodes.NodeMissing;

    /// <summary>The node does not have the instance asked about.</summary>
    public static bool IsMissing(this Error error) => error.Code == ErrorCodes.NodeMissing;

    /// <summary>The node was not reached, or did not answer in time.</summary>
    public static bool IsSilence(this Error error) => error.Code == ErrorCodes.Unavailable;

    /// <summary>A node that never enrolled has no agent to ask.</summary>
    public static Error NotEnrolled(string nodeName) =>
        Error.Unavailable($"Node {nodeName} has not enrolled yet, so there is no agent to ask. Run the enroll command on the host.");

    /// <summary>The node answered that it does not have the server: a read of it cannot say more.</summary>
    public static Error DoesNotHave(string nodeName, string instanceName) =>
        Error.Unavailable($"Node {nodeName} does not have {instanceName}; the node page lists how it disagrees with the inventory.");
}
