using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using VzPanel.Agent.Contracts;
using VzPanel.Core.Features.Nodes.Pki;

namespace VzPanel.Core.Features.Nodes.Agents.Grpc;

/// <summary>
/// gRPC channels for the panel's calls to node agents: mutual TLS with the panel's client certificate,
/// and the agent must prove it is the node we meant (its certificate chains to our CA and names the node).
/// One channel per node and address, reused across calls.
/// </summary>
public sealed class AgentChannels(AgentCertificateAuthority ca) : IDisposable
{
    private readonly ConcurrentDictionary<(Guid NodeId, string Address), GrpcChannel> _channels = new();

    public NodeAgent.NodeAgentClient For(Guid nodeId, string address) =>
        new(_channels.GetOrAdd((nodeId, address), key => Open(key.NodeId, key.Address)));

    private GrpcChannel Open(Guid nodeId, string address) =>
        GrpcChannel.ForAddress($"https://{address}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                SslOptions = new SslClientAuthenticationOptions
                {
                    ClientCertificates = [ca.PanelClientCertificate],
                    RemoteCertificateValidationCallback = (_, cert, _, _) =>
                        cert is not null && IsNode(cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData()), nodeId),
                },
            },
        });

    private bool IsNode(X509Certificate2 cert, Guid nodeId) => ca.Issued(cert) && AgentIdentity.NodeIdOf(cert) == nodeId;

    public void Dispose()
    {
        foreach (var channel in _channels.Values) channel.Dispose();
    }
}
