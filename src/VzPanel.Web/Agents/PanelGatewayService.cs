using Google.Protobuf;
using Grpc.Core;
using VzPanel.Agent.Contracts;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Core.Features.Nodes.Heartbeats;
using VzPanel.Core.Features.Nodes.Pki;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Agents;

/// <summary>What agents call: enrollment (the join token authenticates) and heartbeats (the node certificate does).</summary>
internal sealed class PanelGatewayService(
    NodeEnrollmentService enrollment, HeartbeatService heartbeats, AgentCertificateAuthority ca, CurrentAccess access,
    ILogger<PanelGatewayService> logger) : PanelGateway.PanelGatewayBase
{
    public override Task<CaCertificate> GetCaCertificate(GetCaCertificateRequest request, ServerCallContext context) =>
        Task.FromResult(new CaCertificate { Certificate = ByteString.CopyFrom(ca.Certificate.RawData) });

    public override async Task<EnrollReply> Enroll(EnrollRequest request, ServerCallContext context)
    {
        ActAsAgent(context);
        if (!Guid.TryParse(request.TokenId, out var tokenId))
            throw new RpcException(new Status(StatusCode.PermissionDenied, "The join token is malformed."));

        var result = await enrollment.EnrollAsync(new EnrollCommand(tokenId, request.TokenSecret, request.CertificateSigningRequest.ToByteArray(),
            request.AgentAddress, AgentMapping.ToReported(request.Node)), context.CancellationToken);
        var enrolled = Unwrap(result);
        return new EnrollReply
        {
            NodeId = enrolled.NodeId.ToString(),
            NodeName = enrolled.NodeName,
            Certificate = ByteString.CopyFrom(enrolled.Certificate),
            CaCertificate = ByteString.CopyFrom(enrolled.CaCertificate),
            HeartbeatIntervalSeconds = enrolled.HeartbeatIntervalSeconds,
        };
    }

    public override async Task<HeartbeatReply> ReportHeartbeat(Heartbeat request, ServerCallContext context)
    {
        ActAsAgent(context);
        var cert = context.GetHttpContext().Connection.ClientCertificate;
        var nodeId = cert is not null && ca.Issued(cert) ? AgentIdentity.NodeIdOf(cert) : null;
        if (nodeId is null || request.NodeId != nodeId.Value.ToString())
        {
            logger.LogWarning("Refused a heartbeat from {Remote}: {Reason}", context.Peer,
                cert is null ? "no client certificate" : nodeId is null ? "certificate not issued by this panel" : "certificate is for another node");
            throw new RpcException(new Status(StatusCode.Unauthenticated, "A node certificate issued by this panel is required."));
        }

        var report = new HeartbeatReport(AgentMapping.ToReported(request.Node), [.. request.Instances.Select(AgentMapping.ToReported)],
            request.AgentAddress, request.SentAt?.ToDateTimeOffset());
        var interval = Unwrap(await heartbeats.RecordAsync(nodeId.Value, AgentIdentity.Sha256(cert!), report, context.CancellationToken));
        return new HeartbeatReply { HeartbeatIntervalSeconds = interval };
    }

    private void ActAsAgent(ServerCallContext context) =>
        access.Scope = AccessScope.System with { SourceAddress = context.GetHttpContext().Connection.RemoteIpAddress };

    private static T Unwrap<T>(Result<T> result) => result.IsSuccess
        ? result.Value!
        : throw new RpcException(new Status(result.Error!.Code switch
        {
            ErrorCodes.Forbidden => StatusCode.PermissionDenied,
            ErrorCodes.NotFound => StatusCode.NotFound,
            ErrorCodes.Validation => StatusCode.InvalidArgument,
            _ => StatusCode.FailedPrecondition,
        }, result.Error.Message));
}
