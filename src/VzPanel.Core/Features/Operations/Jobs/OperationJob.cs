using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>
/// Carries out one operation through its kind's handler. Idempotent: the first job to claim an operation owns it, a
/// finished one is left alone, and a re-run (after a crash or a retry) continues with the same agent operation ids.
/// An unexpected error goes to Hangfire's retry; on the last attempt the handler ends the operation as failed.
/// </summary>
public sealed class OperationJob(CurrentAccess access, OperationStore store, OperationHandlers handlers, ILogger<OperationJob> logger)
{
    public const int Attempts = 5;

    /// <summary>The reason a person reads when the panel itself failed; the details are in the log.</summary>
    public const string InternalError = "the panel could not finish it (an internal error, logged for the administrator)";

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
        var handler = handlers.For(operation.Kind);
        var run = new OperationRun(operation, (percent, step) => store.ReportAsync(operation, percent, step, ct),
            Resumed: operation.Attempts > 1, IsLastAttempt(context));
        try
        {
            await handler.RunAsync(run, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && run.IsLastAttempt)
        {
            // Never left Running with its target busy for good.
            logger.LogError(ex, "Operation {OperationId} ({Kind} {Target}) failed on its last attempt", operation.Id, operation.Kind, operation.TargetName);
            await handler.AbandonAsync(operation, InternalError, ct);
        }
    }

    private static bool IsLastAttempt(PerformContext? context) =>
        context is null || context.GetJobParameter<int>("RetryCount") >= Attempts;
}
