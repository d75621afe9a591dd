namespace VzPanel.Core.Features.Operations;

/// <summary>An operation as pages and the API show it.</summary>
public sealed record OperationView(
    Guid Id, OperationKind Kind, string TargetType, Guid? TargetId, string TargetName, Guid? NodeId, OperationState State,
    int ProgressPercent, string? CurrentStep, string? Error, string Summary, string RequestedBy,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    /// <summary>For a memory change: the size being applied.</summary>
    public long? RequestedMemoryMiB { get; init; }

    /// <summary>For a migration: where it stands and what was measured.</summary>
    public Migration.MigrationRun? Migration { get; init; }

    public bool IsFinished => State is OperationState.Succeeded or OperationState.Failed or OperationState.Cancelled;

    public static OperationView From(Operation o) => new(
        o.Id, o.Kind, o.TargetType, o.TargetId, o.TargetName, o.NodeId, o.State, o.ProgressPercent, o.CurrentStep, o.Error,
        o.Summary, o.RequestedBy, o.CreatedAt, o.StartedAt, o.FinishedAt) { RequestedMemoryMiB = (o.Parameters as Instances.Operations.SetMemoryParameters)?.MemoryMiB, Migration = o.Migration };
}
