using Grpc.AspNetCore.Server;

namespace VzPanel.Web.Security;

/// <summary>
/// The agent endpoint is reachable from the nodes' network, which is not the panel's audience: there it serves the
/// agents' gRPC gateway and nothing else (no page, API, hub, job dashboard or static file), whatever else routing
/// would match.
/// </summary>
internal static class AgentPortGuard
{
    public static IApplicationBuilder UseAgentPortGuard(this IApplicationBuilder app, int agentPort) => app.Use((context, next) =>
    {
        if (context.Connection.LocalPort == agentPort && context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        return next(context);
    });
}
