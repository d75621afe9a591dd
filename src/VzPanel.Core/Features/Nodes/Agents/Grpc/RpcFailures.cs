using Grpc.Core;
using VzPanel.Core.Common;

namespace VzPanel.Core.Features.Nodes.Agents.Grpc;

/// <summary>The one translation of gRPC failures into the panel's <see cref="Error"/>s (codes in <see cref="AgentErrors"/>).</summary>
internal static class RpcFailures
{
    /// <summary>The node was not reached or did not finish: nothing was recorded there, so the same call may run again.</summary>
    public static bool IsTransient(RpcException ex) => ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted
        || (ex.StatusCode == StatusCode.Internal && ex.Status.DebugException is HttpRequestException or IOException);

    /// <summary>The node said no after looking at the request: nothing was changed.</summary>
    private static bool IsRefusal(StatusCode status) => status is StatusCode.InvalidArgument or StatusCode.FailedPrecondition
        or StatusCode.ResourceExhausted or StatusCode.AlreadyExists or StatusCode.PermissionDenied;

    /// <summary>A failed read, for a page or an API answer.</summary>
    public static Error OfRead(string nodeName, RpcException ex)
    {
        var reason = Describe(ex).TrimEnd('.');
        return ex.StatusCode switch
        {
            StatusCode.NotFound => new Error(ErrorCodes.NodeMissing, $"Node {nodeName}: {reason}."),
            StatusCode.Unimplemented => new Error(ErrorCodes.NodeFailed, $"Node {nodeName} runs an agent that cannot answer this yet; update the agent."),
            _ when IsTransient(ex) => Error.Unavailable($"Node {nodeName} did not answer: {reason}."),
            _ => new Error(ErrorCodes.NodeFailed, $"Node {nodeName} could not answer: {reason}."),
        };
    }

    /// <summary>A change the node refused or failed; the words end up in the operation's error.</summary>
    public static Error OfChange(string nodeName, RpcException ex) => ex.StatusCode switch
    {
        StatusCode.NotFound => new Error(ErrorCodes.NodeMissing, $"node {nodeName}: {Describe(ex)}"),
        _ when IsRefusal(ex.StatusCode) => new Error(ErrorCodes.NodeRefused, $"node {nodeName}: {Describe(ex)}"),
        _ when IsTransient(ex) => Error.Unavailable($"node {nodeName}: {Describe(ex)}"),
        _ => new Error(ErrorCodes.NodeFailed, $"node {nodeName}: {Describe(ex)}"),
    };

    /// <summary>A change that found the node away for the whole retry window.</summary>
    public static Error GaveUp(string nodeName, RpcException ex) =>
        Error.Unavailable($"node {nodeName} did not answer: {Describe(ex)}. Gave up after retrying for the configured window.");

    /// <summary>What went wrong, in the words of the node or of the connection to it.</summary>
    public static string Describe(RpcException ex)
    {
        var detail = ex.Status.Detail;
        if (ex.StatusCode == StatusCode.Unavailable && ex.Status.DebugException is { } inner)
            detail = inner.InnerException?.Message ?? inner.Message;
        return string.IsNullOrWhiteSpace(detail) ? ex.StatusCode.ToString() : detail;
    }
}
