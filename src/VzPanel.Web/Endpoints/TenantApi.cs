using VzPanel.Core.Common;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Web.Security;

namespace VzPanel.Web.Endpoints;

/// <summary>
/// Customer accounts (tenants): administrators change them, support reads them all, a customer reads only its own
/// (another id is 404, as if it did not exist).
/// </summary>
internal static class TenantApi
{
    public static void MapTenantApi(this IEndpointRouteBuilder app)
    {
        var tenants = app.MapGroup("/api/v1/tenants").RequireAuthorization(Policies.SignedIn).WithTags("Tenants");

        tenants.MapGet("/", (ITenantQueries queries, CancellationToken ct) => queries.ListAsync(ct))
            .WithSummary("Customer accounts with quotas (null = no limit) and usage; staff see all, a customer only its own.");

        tenants.MapGet("/{id:guid}", async (Guid id, ITenantQueries queries, CancellationToken ct) =>
                await queries.GetAsync(id, ct) is { } tenant ? Results.Ok(tenant) : Error.NotFound("Customer").ToProblem())
            .WithSummary("One customer account: settings, quotas and what it holds now (servers, memory, guarantees, vCPUs, disk).");

        var change = tenants.MapGroup("").RequireAuthorization(Policies.Admin);

        change.MapPost("/", async (TenantDraft draft, ITenantCommands commands, CancellationToken ct) =>
                (await commands.CreateAsync(draft, ct)).ToHttp(t => TypedResults.Created($"/api/v1/tenants/{t.Id}", t)))
            .WithSummary("Add a customer account: name (unique), contactEmail, planId, quotas; 409 tenant_name_taken for a name in use.");

        change.MapMethods("/{id:guid}", [HttpMethods.Patch], async (Guid id, TenantChange change, ITenantCommands commands, CancellationToken ct) =>
                (await commands.UpdateAsync(id, change, ct)).ToHttp(TypedResults.Ok))
            .WithSummary("Change a customer account; omitted fields stay. state Suspended suspends it (its users read, change nothing; "
                + "its servers keep running), Active resumes it. quotas, when given, replace all five limits.");

        change.MapDelete("/{id:guid}", async (Guid id, ITenantCommands commands, CancellationToken ct) =>
                (await commands.DeleteAsync(id, ct)).ToHttp(_ => TypedResults.NoContent()))
            .WithSummary("Delete a customer account; 409 tenant_in_use with the count while it has servers or users.");
    }
}
