namespace VzPanel.Agent.Engines;

public enum EngineErrorCode { NotFound, InvalidArgument, InsufficientResources, WrongState, Unavailable, Timeout }

/// <summary>An expected refusal or failure, with a message written for the person who asked.</summary>
public sealed class EngineException(EngineErrorCode code, string message) : Exception(message)
{
    public EngineErrorCode Code { get; } = code;

    public static EngineException NotFound(string instanceId) => new(EngineErrorCode.NotFound, $"instance {instanceId} not found");

    public static EngineException WrongState(InstanceState state) =>
        new(EngineErrorCode.WrongState, $"instance is {state.ToString().ToLowerInvariant()}");
}
