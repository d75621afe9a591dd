using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using VzPanel.Agent.Contracts;
using VzPanel.Core.Features.Nodes.Pki;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>
/// Plays a node agent towards the panel's agent endpoint over real TLS: enrolls with a join token
/// (checking the panel's CA against the token's pin first) and sends heartbeats with its certificate.
/// </summary>
public sealed class TestAgent(Uri agentEndpoint) : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private GrpcChannel? _channel;

    public X509Certificate2? Certificate { get; private set; }
    public X509Certificate2? Ca { get; private set; }
    public string NodeId { get; private set; } = "";

    /// <summary>What this agent says about its host, at enrollment and in every heartbeat (a sim node by default).</summary>
    public NodeInfo Node { get; init; } = SimNode();

    public static NodeInfo SimNode(long ramMiB = 16384) => new()
    {
        Hostname = "test-node", Engine = Engine.Sim, CpuCount = 8, RamMib = ramMiB, HostReserveMib = 1024, RamFreeMib = ramMiB - 2048,
        AgentVersion = "test",
    };

    public async Task<EnrollReply> EnrollAsync(string token, string address = "127.0.0.1:7443")
    {
        var parts = token.Split('.');
        using (var untrusted = Channel(certificate: null, (_, _) => true))
        {
            var offered = await new PanelGateway.PanelGatewayClient(untrusted).GetCaCertificateAsync(new GetCaCertificateRequest());
            var ca = X509CertificateLoader.LoadCertificate(offered.Certificate.ToByteArray());
            if (Convert.ToHexStringLower(SHA256.HashData(ca.RawData)) != parts[3])
                throw new InvalidOperationException("The panel's CA does not match the pin in the join token.");
            Ca = ca;
        }
        using var channel = Channel(certificate: null, (cert, _) => AgentIdentity.ChainsTo(cert, Ca));
        var csr = new CertificateRequest("CN=vzpanel-agent", _key, HashAlgorithmName.SHA256).CreateSigningRequest();
        var reply = await new PanelGateway.PanelGatewayClient(channel).EnrollAsync(new EnrollRequest
        {
            TokenId = Guid.ParseExact(parts[1], "N").ToString(), TokenSecret = parts[2],
            CertificateSigningRequest = ByteString.CopyFrom(csr), AgentAddress = address, Node = Node,
        });
        Certificate = X509CertificateLoader.LoadCertificate(reply.Certificate.ToByteArray()).CopyWithPrivateKey(_key);
        Certificate = X509CertificateLoader.LoadPkcs12(Certificate.Export(X509ContentType.Pkcs12), null);
        NodeId = reply.NodeId;
        return reply;
    }

    public Task<HeartbeatReply> HeartbeatAsync(params InstanceStatus[] instances)
    {
        _channel ??= Channel(Certificate, (cert, _) => Ca is not null && AgentIdentity.ChainsTo(cert, Ca));
        return HeartbeatAsync(_channel, NodeId, instances);
    }

    /// <summary>A heartbeat for <paramref name="nodeId"/> presenting <paramref name="clientCertificate"/> (or none).</summary>
    public async Task<HeartbeatReply> HeartbeatAsync(X509Certificate2? clientCertificate, string nodeId)
    {
        using var channel = Channel(clientCertificate, (cert, _) => Ca is not null && AgentIdentity.ChainsTo(cert, Ca));
        return await HeartbeatAsync(channel, nodeId, []);
    }

    private async Task<HeartbeatReply> HeartbeatAsync(GrpcChannel channel, string nodeId, InstanceStatus[] instances)
    {
        var beat = new Heartbeat
        {
            NodeId = nodeId, SentAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Reason = HeartbeatReason.Periodic, Node = Node,
        };
        beat.Instances.AddRange(instances);
        return await new PanelGateway.PanelGatewayClient(channel).ReportHeartbeatAsync(beat);
    }

    private GrpcChannel Channel(X509Certificate2? certificate, Func<X509Certificate2, X509Chain, bool> trust) =>
        GrpcChannel.ForAddress(agentEndpoint, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    ClientCertificates = certificate is null ? null : [certificate],
                    RemoteCertificateValidationCallback = (_, cert, chain, _) => cert is X509Certificate2 c && chain is not null && trust(c, chain),
                },
            },
        });


    public void Dispose()
    {
        _channel?.Dispose();
        _key.Dispose();
    }
}
