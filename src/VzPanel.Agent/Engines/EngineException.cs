namespace VzPanel.Agent.Engines;

/// <summary>Failed: the tool behind the engine reported an error the engine has no better name for.</summary>
public enum EngineErrorCode { NotFound, InvalidArgument, InsufficientResources, WrongState, Unavailable, Timeout, Failed }

/// <summary>An expected refusal or failure, with a message written for the person who asked.</summary>
public sealed class EngineException(EngineErrorCode code, string message) : Exception(message)
{
    public EngineErrorCode Code { get; } = code;

    public static EngineException NotFound(string instanceId) => new(EngineErrorCode.NotFound, $"instance {instanceId} not found");

    public static EngineException WrongState(InstanceState state) =>
        new(EngineErrorCode.WrongState, $"instance is {state.ToString().ToLowerInvariant()}");
}
