using VzPanel.Core.Common;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Web.Tests.Pages.Operations;

/// <summary>Operations the test can change between renders; newest first, filtered and paged like the real query.</summary>
internal sealed class FakeOperationQueries : IOperationQueries
{
    public List<OperationView> Items { get; } = [];
    public int Lists { get; private set; }

    public static OperationView Op(string summary, OperationState state, int percent = 0, Guid? target = null, string? step = null,
        string? error = null, OperationKind kind = OperationKind.Start, DateTimeOffset? at = null) =>
        new(Guid.NewGuid(), kind, "instance", target ?? Guid.NewGuid(), "web-1", null, state, percent, step, error, summary, "admin",
            at ?? DateTimeOffset.UtcNow, state == OperationState.Queued ? null : DateTimeOffset.UtcNow,
            state is OperationState.Succeeded or OperationState.Failed ? DateTimeOffset.UtcNow : null);

    public void Replace(OperationView op) => Items[Items.FindIndex(o => o.Id == op.Id)] = op;

    public Task<Result<OperationView>> GetAsync(Guid id, CancellationToken ct) =>
        Task.FromResult(Items.FirstOrDefault(o => o.Id == id) is { } op ? (Result<OperationView>)op : Error.NotFound("Operation"));

    public Task<OperationPage> ListAsync(OperationFilter filter, CancellationToken ct)
    {
        Lists++;
        var items = Items.Where(o => (filter.TargetId is null || o.TargetId == filter.TargetId) && (!filter.ActiveOnly || !o.IsFinished))
            .OrderByDescending(o => o.CreatedAt).ToList();
        return Task.FromResult(new OperationPage([.. items.Skip(filter.Skip).Take(filter.Take)], items.Count));
    }
}
