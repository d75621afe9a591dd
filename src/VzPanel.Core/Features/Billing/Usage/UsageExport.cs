using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;

namespace VzPanel.Core.Features.Billing.Usage;

/// <summary>One usage record of the export: a server's usage in an hour or day (or the whole period), unrounded.</summary>
public sealed record UsageItem(
    DateTimeOffset Period, Guid? TenantId, Guid? InstanceId, string? InstanceName, Guid? PlanId, string Currency,
    decimal MemoryGiBHours, decimal GuaranteedGiBHours, decimal VCpuHours, decimal DiskGiBMonths, decimal Amount);

/// <summary>A page of usage records and how many there are in all.</summary>
public sealed record UsageExportPage(IReadOnlyList<UsageItem> Items, int Page, int PageSize, int Total);

/// <summary>What was asked for: the page, and whether as JSON or CSV.</summary>
public sealed record UsageExportResult(UsageExportPage Page, UsageFormat Format);

/// <summary>
/// Usage records for billing systems (WHMCS, Blesta, FOSSBilling): checks the request, narrows it to what the caller may
/// see (a tenant or server it cannot see is not found, as if it did not exist) and pages the rows of
/// <see cref="IUsageTotals"/>, so the export agrees with every other reading of usage.
/// </summary>
public sealed class UsageExport(IUsageTotals totals, IDbContextFactory<VzPanelDbContext> dbFactory, TimeProvider clock)
{
    public async Task<Result<UsageExportResult>> ReadAsync(UsageExportRequest request, CancellationToken ct)
    {
        var parsed = request.Parse(clock.GetUtcNow());
        if (!parsed.IsSuccess) return parsed.Error!;
        var (query, format, page, pageSize) = parsed.Value!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (query.TenantId is { } tenantId && !await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)) return Error.NotFound("Customer");
        // A deleted server keeps its usage: it is found by its segments as well as by its row.
        if (query.InstanceId is { } instanceId && !await db.Instances.AnyAsync(i => i.Id == instanceId, ct)
            && !await db.UsageSegments.AnyAsync(u => u.InstanceId == instanceId, ct))
            return Error.NotFound("Instance");

        var rows = await totals.PageAsync(query, (page - 1) * pageSize, pageSize, ct);
        var ids = rows.Rows.Where(r => r.InstanceId is not null).Select(r => r.InstanceId!.Value).Distinct().ToList();
        var names = await db.Instances.Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Name, ct);
        var items = rows.Rows.Select(r => new UsageItem(
            r.Period ?? query.From, r.TenantId, r.InstanceId, r.InstanceId is { } id ? names.GetValueOrDefault(id) : null, r.PlanId, r.Currency,
            r.MemoryGiBHours, r.GuaranteedGiBHours, r.VCpuHours, r.DiskGiBMonths, r.Amount)).ToList();
        return new UsageExportResult(new UsageExportPage(items, page, pageSize, rows.Total), format);
    }
}
