using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>
/// Carries out one operation. Idempotent: the first job to claim an operation owns it, a finished one is left
/// alone, and a re-run (after a crash or a retry) continues with the same agent operation ids.
/// </summary>
public sealed class OperationJob(CurrentAccess access, OperationStore store, InstanceSteps steps, MigrationSteps migrations, DrainSteps drain,
    ILogger<OperationJob> logger)
{
    public const int Attempts = 5;

    [AutomaticRetry(Attempts = Attempts, DelaysInSeconds = [1, 3, 10, 30, 60], OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [JobDisplayName("Operation {0}")]
    public async Task RunAsync(Guid operationId, PerformContext? context, CancellationToken ct)
    {
        access.Scope = AccessScope.System;
        var jobId = context?.BackgroundJob.Id ?? "inline";
        var operation = await store.ClaimAsync(operationId, jobId, ct);
        if (operation is null)
        {
            logger.LogDebug("Operation {OperationId} is finished or owned by another job; job {JobId} has nothing to do", operationId, jobId);
            return;
        }
        if (operation.Kind == OperationKind.DrainNode)
        {
            await drain.RunAsync(operation, (percent, step) => store.ReportAsync(operation, percent, step, ct), ct);
            return;
        }

        if (await store.TargetAsync(operation, ct) is not { } target) return;
        if (operation.Kind == OperationKind.Migrate)
        {
            await MigrateAsync(operation, target, context, ct);
            return;
        }
        try
        {
            var reported = await steps.RunAsync(operation, target, (percent, step) => store.ReportAsync(operation, percent, step, ct), ct);
            await store.SucceedAsync(operation, target, reported, ct);
        }
        catch (AgentException failure)
        {
            logger.LogInformation("Operation {OperationId} ({Kind} {Target}) failed: {Reason}", operation.Id, operation.Kind, operation.TargetName, failure.Message);
            await store.FailAsync(operation, target, failure, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && IsLastAttempt(context))
        {
            logger.LogError(ex, "Operation {OperationId} failed on its last attempt", operation.Id);
            await store.FailAsync(operation, target, InternalError, ct);
        }
    }

    private static AgentException InternalError =>
        new("the panel could not finish it (an internal error, logged for the administrator)", Grpc.Core.StatusCode.Internal);

    /// <summary>
    /// A migration ends itself (done or rolled back). A node that stays away after the transfer must not end it: the job
    /// throws so Hangfire runs it again later, and the saved phase tells the re-run where to go on.
    /// </summary>
    private async Task MigrateAsync(Operation operation, StepTarget target, PerformContext? context, CancellationToken ct)
    {
        try
        {
            await migrations.RunAsync(operation, target, (percent, step) => store.ReportAsync(operation, percent, step, ct), IsLastAttempt(context), ct);
        }
        catch (AgentException failure) when (!IsLastAttempt(context))
        {
            logger.LogWarning("Migration {OperationId} of {Target} waits for a node: {Reason}", operation.Id, operation.TargetName, failure.Message);
            throw new InvalidOperationException($"Migration {operation.Id} is waiting for a node: {failure.Message}", failure);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && IsLastAttempt(context))
        {
            // Never left Running with its server busy for good: the inventory takes what the server's node reports.
            logger.LogError(ex, "Migration {OperationId} failed on its last attempt", operation.Id);
            await store.FailAsync(operation, target, InternalError, ct);
        }
    }

    private static bool IsLastAttempt(PerformContext? context) =>
        context is null || context.GetJobParameter<int>("RetryCount") >= Attempts;
}
