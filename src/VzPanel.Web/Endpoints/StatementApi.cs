using System.Text;
using VzPanel.Core.Features.Billing.Statements;
using VzPanel.Web.Security;

namespace VzPanel.Web.Endpoints;

/// <summary>Monthly statements of a tenant: a customer reads its own (another id is 404), staff read all.</summary>
internal static class StatementApi
{
    public static void MapStatementApi(this IEndpointRouteBuilder app)
    {
        var statements = app.MapGroup("/api/v1/tenants/{id:guid}/statements").RequireAuthorization(Policies.SignedIn).WithTags("Billing");

        statements.MapGet("/", async (Guid id, ITenantStatements s, CancellationToken ct) => (await s.ListAsync(id, ct)).ToHttp(TypedResults.Ok))
            .WithSummary("Every month from the customer's first to the current one, newest first, with its usage and credit totals.");

        statements.MapGet("/{month}", async (Guid id, string month, ITenantStatements s, CancellationToken ct) =>
            {
                var csv = month.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
                var statement = await s.GetAsync(id, csv ? month[..^4] : month, ct);
                return statement.ToHttp(v => csv ? Results.Text(StatementCsv.Write(v), "text/csv", Encoding.UTF8) : TypedResults.Ok(v));
            })
            .WithSummary("One month (yyyy-MM, or yyyy-MM.csv): a line per server (GiB-hours, guaranteed GiB-hours, vCPU-hours, disk GiB-months, "
                + "amount rounded once to the cent), the month's credit lines and the total; final once the month has ended.");
    }
}
