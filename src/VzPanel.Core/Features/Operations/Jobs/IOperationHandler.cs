namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>
/// Carries out one kind of operation. The generic machinery (<see cref="OperationJob"/>, <see cref="OperationStore"/>)
/// claims the row, reports progress, retries and publishes; the handler knows what its kind asks of the nodes and how
/// it ends. A new kind is one file: its parameters record and its handler, registered in DI as an
/// <see cref="IOperationHandler"/> (the registry checks at start that every <see cref="OperationKind"/> has one).
/// </summary>
public interface IOperationHandler
{
    OperationKind Kind { get; }

    /// <summary>The parameters record of this kind (<c>{Kind}Parameters</c>).</summary>
    Type ParametersType { get; }

    /// <summary>Carries the claimed operation out and ends it (succeeded, failed, rolled back).</summary>
    Task RunAsync(OperationRun run, CancellationToken ct);

    /// <summary>
    /// Ends an operation its job could not carry out (its last attempt threw) as failed, leaving the inventory as the
    /// node has it where the node can say.
    /// </summary>
    Task AbandonAsync(Operation operation, string reason, CancellationToken ct);
}

/// <summary>Reports progress: percent and the step a person reads.</summary>
public delegate Task ProgressReport(int percent, string step);

/// <summary>A claimed operation as its handler gets it.</summary>
/// <param name="Resumed">An earlier attempt may already have acted: steps ask the node before acting again.</param>
/// <param name="IsLastAttempt">No retry follows: a handler that would wait for a node must end the operation instead.</param>
public sealed record OperationRun(Operation Operation, ProgressReport Report, bool Resumed, bool IsLastAttempt);
