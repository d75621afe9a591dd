using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Operations;

/// <summary>
/// A job a person can watch: what was asked, how far it got and how it ended. Its id is the operation id
/// sent to the agent, so a retried call is recognised and never applied twice. Its state moves only through
/// <see cref="Report"/> and <see cref="Finish"/> (claiming is one conditional update in the database).
/// </summary>
public sealed class Operation : ITenantOwned
{
    private OperationState _state = OperationState.Queued;
    private OperationParameters _parameters = null!;

    public Guid Id { get; init; } = Guid.CreateVersion7();
    public OperationKind Kind { get; init; }
    public required string TargetType { get; init; }
    public Guid? TargetId { get; init; }
    public required string TargetName { get; init; }

    /// <summary>The tenant whose server this concerns; null for fleet operations.</summary>
    public Guid? TenantId { get; init; }

    /// <summary>The node that carries it out.</summary>
    public Guid? NodeId { get; init; }

    /// <summary>What exactly was asked (the new memory size, forced or not): the record of its kind. The job reads it from here.</summary>
    public required OperationParameters Parameters { get => _parameters; init => _parameters = value; }

    /// <summary>Migrations only: phase and measurements, kept with the operation so a re-run resumes where it stood.</summary>
    public Migration.MigrationRun? Migration { get; set; }

    /// <summary>One line a person reads in lists: "Memory 2 GiB → 4 GiB".</summary>
    public required string Summary { get; init; }

    /// <summary>The background job that owns this operation; the first job to claim it keeps it.</summary>
    public string? JobId { get; private set; }

    public int Attempts { get; private set; }

    public OperationState State { get => _state; init => _state = value; }
    public int ProgressPercent { get; private set; }
    public string? CurrentStep { get; private set; }

    /// <summary>Why it failed, in words the requester understands.</summary>
    public string? Error { get; private set; }

    public required string RequestedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    public uint Version { get; private set; }

    public bool IsFinished => State is OperationState.Succeeded or OperationState.Failed or OperationState.Cancelled;

    /// <summary>How far it got, as the job last saved it.</summary>
    public void Report(int percent, string step)
    {
        ProgressPercent = Math.Clamp(percent, 0, 100);
        CurrentStep = step;
    }

    /// <summary>Ends it: the outcome, why it failed, and no trace of the secrets its job needed.</summary>
    public void Finish(OperationState outcome, string? error, DateTimeOffset at)
    {
        if (outcome is OperationState.Queued or OperationState.Running) throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "not an outcome");
        _state = outcome;
        Error = error is null ? null : error[..Math.Min(error.Length, 2000)];
        FinishedAt = at;
        if (outcome == OperationState.Succeeded) Report(100, "Done");
        _parameters = _parameters.WithoutSecrets();
    }

    Guid? ITenantOwned.OwnerTenantId => TenantId;
}

/// <summary>
/// Every kind of operation, as the API and the database name it. Each has one <see cref="Jobs.IOperationHandler"/>
/// and one parameters record; the handler registry refuses to start when one is missing.
/// </summary>
public enum OperationKind
{
    Create, Start, Stop, Restart, Delete, SetMemory, SetMemoryGuarantee, SetVCpus, Migrate, DrainNode, ResizeDisk,
}

public enum OperationState { Queued, Running, Succeeded, Failed, Cancelled }
