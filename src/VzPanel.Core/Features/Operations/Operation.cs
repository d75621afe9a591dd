using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Operations;

/// <summary>
/// A job a person can watch: what was asked, how far it got and how it ended. Its id is the operation id
/// sent to the agent, so a retried call is recognised and never applied twice.
/// </summary>
public sealed class Operation : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public OperationKind Kind { get; init; }
    public required string TargetType { get; init; }
    public Guid? TargetId { get; init; }
    public required string TargetName { get; init; }

    /// <summary>The tenant whose server this concerns; null for fleet operations.</summary>
    public Guid? TenantId { get; init; }

    /// <summary>The node that carries it out.</summary>
    public Guid? NodeId { get; set; }

    /// <summary>What exactly was asked (the new memory size, forced or not); the job reads it from here.</summary>
    public OperationParameters Parameters { get; init; } = new();

    /// <summary>Migrations only: phase and measurements, kept with the operation so a re-run resumes where it stood.</summary>
    public Migration.MigrationRun? Migration { get; set; }

    /// <summary>One line a person reads in lists: "Memory 2 GiB → 4 GiB".</summary>
    public required string Summary { get; init; }

    /// <summary>The background job that owns this operation; the first job to claim it keeps it.</summary>
    public string? JobId { get; set; }

    public int Attempts { get; set; }

    public OperationState State { get; set; } = OperationState.Queued;
    public int ProgressPercent { get; set; }
    public string? CurrentStep { get; set; }

    /// <summary>Why it failed, in words the requester understands.</summary>
    public string? Error { get; set; }

    public required string RequestedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public uint Version { get; private set; }

    public bool IsFinished => State is OperationState.Succeeded or OperationState.Failed or OperationState.Cancelled;

    Guid? ITenantOwned.OwnerTenantId => TenantId;
}

public enum OperationKind
{
    Create, Start, Stop, Restart, Delete, SetMemory, SetMemoryGuarantee, SetVCpus, Migrate, DrainNode, ResizeDisk,
}

public enum OperationState { Queued, Running, Succeeded, Failed, Cancelled }
