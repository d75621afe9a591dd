using Grpc.Core;
using VzPanel.Agent.Engines;

namespace VzPanel.Agent.Grpc;

/// <summary>How engine failures look on the wire.</summary>
public static class EngineStatus
{
    public static StatusCode ToStatusCode(EngineErrorCode code) => code switch
    {
        EngineErrorCode.NotFound => StatusCode.NotFound,
        EngineErrorCode.InvalidArgument => StatusCode.InvalidArgument,
        EngineErrorCode.InsufficientResources => StatusCode.ResourceExhausted,
        EngineErrorCode.WrongState => StatusCode.FailedPrecondition,
        EngineErrorCode.Unavailable => StatusCode.Unavailable,
        EngineErrorCode.Timeout => StatusCode.DeadlineExceeded,
        EngineErrorCode.Failed => StatusCode.Internal,
        _ => StatusCode.Unknown,
    };

    public static RpcException ToRpcException(EngineException failure) =>
        new(new Status(ToStatusCode(failure.Code), failure.Message));

    /// <summary>Transient failures changed nothing, so a retry with the same operation id must run again.</summary>
    public static bool IsTransient(EngineErrorCode code) => code is EngineErrorCode.Unavailable or EngineErrorCode.Timeout;
}
