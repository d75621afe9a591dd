using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;

namespace VzPanel.Core.Features.Operations;

/// <summary>Reads operations the caller may see (the DbContext scopes them to the caller's tenant).</summary>
public interface IOperationQueries
{
    Task<Result<OperationView>> GetAsync(Guid id, CancellationToken ct);
    Task<OperationPage> ListAsync(OperationFilter filter, CancellationToken ct);
}

public sealed record OperationFilter
{
    public Guid? TargetId { get; init; }
    public OperationState? State { get; init; }
    public bool ActiveOnly { get; init; }
    public int Skip { get; init; }
    public int Take { get; init; } = 50;
}

public sealed record OperationPage(IReadOnlyList<OperationView> Items, int Total);

public sealed class OperationQueries(IDbContextFactory<VzPanelDbContext> dbFactory) : IOperationQueries
{
    public const int MaxPageSize = 500;

    public async Task<Result<OperationView>> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var operation = await db.Operations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, ct);
        return operation is null ? Error.NotFound("Operation") : OperationView.From(operation);
    }

    public async Task<OperationPage> ListAsync(OperationFilter filter, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Operations.AsNoTracking();
        if (filter.TargetId is { } target) query = query.Where(o => o.TargetId == target);
        if (filter.State is { } state) query = query.Where(o => o.State == state);
        if (filter.ActiveOnly) query = query.Where(o => o.State == OperationState.Queued || o.State == OperationState.Running);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id)
            .Skip(Math.Max(0, filter.Skip)).Take(Math.Clamp(filter.Take, 1, MaxPageSize)).ToListAsync(ct);
        return new OperationPage(items.Select(OperationView.From).ToList(), total);
    }
}
