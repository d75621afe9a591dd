using System.Globalization;
using System.Text;
using VzPanel.Core.Features.Billing.Usage;
using VzPanel.Web.Security;

namespace VzPanel.Web.Endpoints;

/// <summary>
/// Usage records for billing systems, as JSON or CSV, paged. Customers read their own tenant's (another tenant's or
/// server's id is 404, as if it did not exist); staff read every tenant's.
/// </summary>
internal static class UsageApi
{
    public static void MapUsageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/usage", async (UsageExport export, CancellationToken ct, string? tenant, string? instance, string? from, string? to,
                    string? groupBy, string? format, string? page, string? pageSize) =>
                (await export.ReadAsync(new UsageExportRequest(tenant, instance, from, to, groupBy, format, page, pageSize), ct))
                .ToHttp(result => result.Format == UsageFormat.Csv ? Csv(result.Page) : TypedResults.Ok(result.Page)))
            .RequireAuthorization(Policies.SignedIn).WithTags("Usage")
            .WithSummary("Usage records per server by hour, day or for the whole period (default: this month so far, by hour), unrounded, "
                + "the hour in progress up to now; paged (pageSize 1-5000, default 500); format=csv for text/csv.");
    }

    public static readonly string[] CsvColumns =
        ["period", "tenantId", "instanceId", "instanceName", "planId", "currency", "memoryGiBHours", "guaranteedGiBHours", "vCpuHours", "diskGiBMonths", "amount"];

    /// <summary>One line per item under a header row, invariant culture; the paging is in the X-Total-Count, X-Page and X-Page-Size headers.</summary>
    private static CsvResult Csv(UsageExportPage page)
    {
        var csv = new StringBuilder().Append(string.Join(',', CsvColumns)).Append('\n');
        foreach (var item in page.Items)
            csv.AppendJoin(',', [
                item.Period.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                item.TenantId?.ToString() ?? "", item.InstanceId?.ToString() ?? "", Quoted(item.InstanceName), item.PlanId?.ToString() ?? "", item.Currency,
                Number(item.MemoryGiBHours), Number(item.GuaranteedGiBHours), Number(item.VCpuHours), Number(item.DiskGiBMonths), Number(item.Amount)])
                .Append('\n');
        return new CsvResult(csv.ToString(), page);
    }

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.</summary>
    private static string Quoted(string? text) =>
        text is null ? "" : text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private sealed class CsvResult(string body, UsageExportPage page) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers["X-Total-Count"] = page.Total.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["X-Page"] = page.Page.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["X-Page-Size"] = page.PageSize.ToString(CultureInfo.InvariantCulture);
            return Results.Text(body, "text/csv", Encoding.UTF8).ExecuteAsync(context);
        }
    }
}
