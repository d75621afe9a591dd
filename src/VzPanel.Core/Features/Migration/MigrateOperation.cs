using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances.Operations;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;

namespace VzPanel.Core.Features.Migration;

/// <summary>A migration's target and limits travel in its <see cref="MigrationRun"/>, which the job updates as it goes.</summary>
public sealed record MigrateParameters : OperationParameters;

/// <summary>Moves a server to another node through <see cref="MigrationSteps"/>; it ends itself, done or rolled back.</summary>
public sealed class MigrateHandler(ServerOperationStore store, MigrationSteps steps) : IOperationHandler
{
    public OperationKind Kind => OperationKind.Migrate;
    public Type ParametersType => typeof(MigrateParameters);

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        if (await store.TargetAsync(run.Operation, transitional: null, ct) is { } target) await steps.RunAsync(run, target, ct);
    }

    public Task AbandonAsync(Operation operation, string reason, CancellationToken ct) =>
        store.FailAsync(operation, new Error(ErrorCodes.NodeFailed, reason), ct);
}
