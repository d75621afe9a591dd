using VzPanel.Core.Common;

namespace VzPanel.Core.Features.Operations;

/// <summary>An operation was queued, moved on or ended. Carries what a progress bar needs.</summary>
public sealed record OperationChanged(
    Guid OperationId, OperationKind Kind, Guid? TargetId, string TargetName, Guid? TenantId, Guid? NodeId,
    OperationState State, int ProgressPercent, string? CurrentStep, string? Error, string Summary) : IReplicatedEvent
{
    /// <summary>For a memory change: the size being applied.</summary>
    public long? RequestedMemoryMiB { get; init; }

    public static OperationChanged From(Operation o) =>
        new(o.Id, o.Kind, o.TargetId, o.TargetName, o.TenantId, o.NodeId, o.State, o.ProgressPercent, o.CurrentStep, o.Error, o.Summary)
        { RequestedMemoryMiB = (o.Parameters as Instances.Operations.SetMemoryParameters)?.MemoryMiB };
}
