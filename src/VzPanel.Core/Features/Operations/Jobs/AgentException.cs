using Grpc.Core;

namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>A node refused or could not be reached; <see cref="Exception.Message"/> is for people.</summary>
public sealed class AgentException(string message, StatusCode status) : Exception(message)
{
    public StatusCode Status { get; } = status;

    /// <summary>The node said no after looking at the request: nothing was changed.</summary>
    public bool Refused => Status is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.ResourceExhausted
        or StatusCode.NotFound or StatusCode.AlreadyExists or StatusCode.PermissionDenied;
}
