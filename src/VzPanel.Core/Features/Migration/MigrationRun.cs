namespace VzPanel.Core.Features.Migration;

/// <summary>Where a migration stands. The job saves each phase before it acts, so a re-run knows where to go on.</summary>
public enum MigrationPhase { Preparing, Transferring, Completing, CleaningUp, Done, RolledBack }

/// <summary>
/// A migration as its operation row keeps it: from where to where, how, its phase, and what was measured.
/// Byte counts are the source's reports; <c>DowntimeMs</c> is how long the server ran nowhere (the node's figure
/// for a live switch-over; for a cold move the transfer and the start on the target).
/// </summary>
public sealed record MigrationRun(
    Guid SourceNodeId, string SourceNode, Guid TargetNodeId, string TargetNode, MigrationMode Mode, bool WasRunning,
    int MaxDowntimeMs, int BandwidthMibPerSecond)
{
    public MigrationPhase Phase { get; init; }
    public long TotalBytes { get; init; }
    public long TransferredBytes { get; init; }
    public long DirtyBytesPerSecond { get; init; }
    public long? DowntimeMs { get; init; }

    /// <summary>The nodes' own time for the transfer; the rest of <c>TotalMs</c> is the panel's share (its steps and calls).</summary>
    public long? TransferMs { get; init; }
    public long? TotalMs { get; init; }

    /// <summary>Something a person should know after it ended, such as a source copy that could not be removed.</summary>
    public string? Note { get; init; }
}
