using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;

namespace VzPanel.Core.Features.Migration;

[OperationDescription("node.drain", "drain node")]
public sealed record DrainNodeParameters : OperationParameters;

/// <summary>Empties a node in maintenance through <see cref="DrainSteps"/>: one migration per server.</summary>
public sealed class DrainNodeHandler(DrainSteps steps, OperationStore operations) : IOperationHandler
{
    public OperationKind Kind => OperationKind.DrainNode;
    public Type ParametersType => typeof(DrainNodeParameters);

    public Task RunAsync(OperationRun run, CancellationToken ct) => steps.RunAsync(run.Operation, run.Report, ct);

    public Task AbandonAsync(Operation operation, string reason, CancellationToken ct) => operations.FinishAsync(operation, reason, ct);
}
