namespace VzPanel.Agent.Engines;

public enum EngineEventKind { Progress, StateChanged, OperationSucceeded, OperationFailed }

public sealed record EngineEvent(
    DateTimeOffset At,
    EngineEventKind Kind,
    string InstanceId,
    string? OperationId = null,
    int ProgressPercent = 0,
    string Message = "",
    InstanceState? State = null);
