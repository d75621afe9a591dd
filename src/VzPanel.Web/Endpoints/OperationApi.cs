using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Operations;
using VzPanel.Web.Security;

namespace VzPanel.Web.Endpoints;

/// <summary>Operations (jobs) the caller may see: newest first, or one by id.</summary>
internal static class OperationApi
{
    public static void MapOperationApi(this IEndpointRouteBuilder app)
    {
        var operations = app.MapGroup("/api/v1/operations").RequireAuthorization(Policies.SignedIn).WithTags("Operations");

        operations.MapGet("/", (IOperationQueries queries, CancellationToken ct, Guid? target, OperationState? state, bool active = false,
                    int skip = 0, int take = 50) =>
                queries.ListAsync(new OperationFilter { TargetId = target, State = state, ActiveOnly = active, Skip = skip, Take = take }, ct))
            .WithSummary("Operations, newest first; filter by target, state or only the unfinished ones.");

        operations.MapGet("/{id:guid}", async (Guid id, IOperationQueries queries, CancellationToken ct) =>
                (await queries.GetAsync(id, ct)).ToHttp(TypedResults.Ok))
            .WithSummary("One operation: state, progress, current step and, when it failed, why.");

        operations.MapPost("/{id:guid}/cancel", async (Guid id, IMigrationCancel migrations, CancellationToken ct) =>
                (await migrations.CancelAsync(id, ct)).ToHttp(op => TypedResults.Accepted($"/api/v1/operations/{op.Id}", op)))
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Cancel a migration while it transfers (admins): the source stops, the job rolls back, the server stays where it was. "
                + "409 once it switches over.");
    }
}
