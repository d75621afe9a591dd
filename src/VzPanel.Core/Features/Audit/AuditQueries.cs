using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;

namespace VzPanel.Core.Features.Audit;

public interface IAuditQueries
{
    Task<AuditPage> ListAsync(int page, int pageSize, string? search, CancellationToken ct);
}

public sealed record AuditPage(IReadOnlyList<AuditRow> Rows, int Total);

public sealed record AuditRow(long Id, DateTimeOffset At, string Actor, string Action, string? Target, string Summary, string? SourceAddress);

/// <summary>The activity log, newest first; the data layer already limits customers to their own tenant.</summary>
public sealed class AuditQueries(IDbContextFactory<VzPanelDbContext> dbFactory) : IAuditQueries
{
    public async Task<AuditPage> ListAsync(int page, int pageSize, string? search, CancellationToken ct)
    {
        pageSize = Math.Clamp(pageSize, 1, 200);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = $"%{search.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";
            query = query.Where(a => EF.Functions.ILike(a.Actor, pattern) || EF.Functions.ILike(a.Action, pattern) || EF.Functions.ILike(a.Summary, pattern));
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(a => a.Id).Skip(Math.Max(0, page) * pageSize).Take(pageSize)
            .Select(a => new AuditRow(a.Id, a.At, a.Actor, a.Action, a.TargetType == null ? null : a.TargetType + " " + a.TargetId, a.Summary,
                a.SourceAddress == null ? null : a.SourceAddress.ToString()))
            .ToListAsync(ct);
        return new AuditPage(rows, total);
    }
}
