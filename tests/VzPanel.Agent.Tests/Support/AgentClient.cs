using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Tests.Support;

/// <summary>A gRPC client of NodeAgent over real TLS, as the panel would be (or as an impostor).</summary>
public static class AgentClient
{
    public static GrpcChannel Channel(string address, X509Certificate2 ca, X509Certificate2? clientCertificate) =>
        GrpcChannel.ForAddress($"https://{address}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                        certificate is not null && CaTrust.ChainsTo(CaTrust.AsCertificate2(certificate), ca),
                },
            },
            DisposeHttpClient = true,
        });

    public static NodeAgent.NodeAgentClient Client(GrpcChannel channel) => new(channel);
}
