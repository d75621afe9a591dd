using VzPanel.Core.Features.Counters;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Web.Security;

namespace VzPanel.Web.Endpoints;

/// <summary>Nodes: staff read them, admins add them and issue join tokens.</summary>
internal static class NodeApi
{
    public static void MapNodeApi(this IEndpointRouteBuilder app)
    {
        var nodes = app.MapGroup("/api/v1/nodes").WithTags("Nodes");

        nodes.MapGet("/", (INodeQueries queries, CancellationToken ct) => queries.ListAsync(ct))
            .RequireAuthorization(Policies.Staff).WithSummary("All nodes with state, capacity and drift count.");

        nodes.MapGet("/{id:guid}", async (Guid id, INodeQueries queries, CancellationToken ct) =>
                await queries.GetAsync(id, ct) is { } node ? Results.Ok(node) : Results.Problem(statusCode: 404, detail: "Node was not found."))
            .RequireAuthorization(Policies.Staff).WithSummary("One node: capacity, inventory instances on it, drift.");

        nodes.MapGet("/{id:guid}/counters", async (Guid id, ICounterQueries counters, CancellationToken ct) =>
                (await counters.GetNodeAsync(id, ct)).ToHttp(TypedResults.Ok))
            .RequireAuthorization(Policies.Staff)
            .WithSummary($"The counters of the node's running servers by name (the first {CounterQueries.NodeLimit}; notShown counts the rest), "
                + "each read from the node now; a server the node cannot tell about carries the reason in unavailable.");

        nodes.MapPost("/", async (AddNodeRequest request, NodeEnrollmentService enrollment, CancellationToken ct) =>
                (await enrollment.AddNodeAsync(request, ct)).ToHttp(issued => Results.Created($"/api/v1/nodes/{issued.NodeId}", issued)))
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Add a node; returns its one-time join token and the enroll command to run on it.");

        nodes.MapPost("/{id:guid}/join-token", async (Guid id, NodeEnrollmentService enrollment, CancellationToken ct) =>
                (await enrollment.RenewTokenAsync(id, ct)).ToHttp(Results.Ok))
            .RequireAuthorization(Policies.Admin).WithSummary("A new join token for an existing node.");

        nodes.MapPost("/{id:guid}/drain", async (Guid id, INodeDrain drain, CancellationToken ct) =>
                (await drain.DrainAsync(id, ct)).ToHttp(op => TypedResults.Accepted($"/api/v1/operations/{op.Id}", op)))
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Put the node in maintenance (no new servers) and migrate its servers away, largest guarantee first, each as its "
                + "own migrate operation; 202 with the bulk operation.");

        nodes.MapDelete("/{id:guid}/maintenance", async (Guid id, INodeDrain drain, CancellationToken ct) =>
                (await drain.EndMaintenanceAsync(id, ct)).ToHttp(state => TypedResults.Ok(new { state })))
            .RequireAuthorization(Policies.Admin).WithSummary("End maintenance: the node takes new servers again.");
    }
}
