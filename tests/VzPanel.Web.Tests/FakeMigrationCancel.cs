using VzPanel.Core.Common;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Web.Tests;

/// <summary>Records which migrations pages asked to cancel; answers that none runs.</summary>
internal sealed class FakeMigrationCancel : IMigrationCancel
{
    public List<Guid> Cancelled { get; } = [];

    public Task<Result<OperationView>> CancelAsync(Guid operationId, CancellationToken ct)
    {
        Cancelled.Add(operationId);
        return Task.FromResult<Result<OperationView>>(Error.Conflict("No transfer runs right now."));
    }
}
