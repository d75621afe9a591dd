using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Plans;
using VzPanel.Web.Security;

namespace VzPanel.Web.Endpoints;

/// <summary>
/// Plans (prices and bounds): administrators change them, support reads them all, a customer reads only its own tenant's
/// plan (another id is 404, as if it did not exist).
/// </summary>
internal static class PlanApi
{
    public static void MapPlanApi(this IEndpointRouteBuilder app)
    {
        var plans = app.MapGroup("/api/v1/plans").RequireAuthorization(Policies.SignedIn).WithTags("Plans");

        plans.MapGet("/", (IPlanQueries queries, CancellationToken ct) => queries.ListAsync(ct))
            .WithSummary("Plans with prices, bounds, currency, billing, retired, and how many customers and servers use each; "
                + "staff see all, a customer only its own.");

        plans.MapGet("/{id:guid}", async (Guid id, IPlanQueries queries, CancellationToken ct) =>
                await queries.GetAsync(id, ct) is { } plan ? Results.Ok(plan) : Error.NotFound("Plan").ToProblem())
            .WithSummary("One plan; 404 for a plan the caller may not see.");

        var change = plans.MapGroup("").RequireAuthorization(Policies.Admin);

        change.MapPost("/", async (PlanInput input, IPlanCommands commands, CancellationToken ct) =>
                (await commands.CreateAsync(input, ct)).ToHttp(p => TypedResults.Created($"/api/v1/plans/{p.Id}", p)))
            .WithSummary("Add a plan; 400 invalid_plan names each bad field, 409 plan_name_taken for a name in use.");

        change.MapMethods("/{id:guid}", [HttpMethods.Patch], async (Guid id, PlanInput input, IPlanCommands commands, CancellationToken ct) =>
                (await commands.UpdateAsync(id, input, ct)).ToHttp(TypedResults.Ok))
            .WithSummary("Change a plan; omitted fields stay, retired true/false retires or brings it back. New prices or bounds for a plan "
                + "whose customers run servers answer 409 plan_change_needs_confirmation until sent with confirm: true; prices change from that moment.");

        change.MapDelete("/{id:guid}", async (Guid id, IPlanCommands commands, CancellationToken ct) =>
                (await commands.DeleteAsync(id, ct)).ToHttp(_ => TypedResults.NoContent()))
            .WithSummary("Delete a plan; 409 plan_in_use while customers are on it or usage refers to it (retire it instead).");
    }
}
