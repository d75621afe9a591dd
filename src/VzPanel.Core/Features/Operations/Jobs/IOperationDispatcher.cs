using Hangfire;

namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>Hands a saved operation to the job system. The operation row is the truth; the job only carries it out.</summary>
public interface IOperationDispatcher
{
    void Dispatch(Guid operationId);
}

internal sealed class HangfireOperationDispatcher(IBackgroundJobClient jobs) : IOperationDispatcher
{
    public void Dispatch(Guid operationId) => jobs.Enqueue<OperationJob>(job => job.RunAsync(operationId, null, CancellationToken.None));
}
