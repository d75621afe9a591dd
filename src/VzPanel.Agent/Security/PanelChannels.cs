using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace VzPanel.Agent.Security;

/// <summary>gRPC channels to the panel's agent endpoint.</summary>
public static class PanelChannels
{
    /// <summary>Enrolled: present node.crt, trust only a panel certificate issued by ca.crt.</summary>
    public static GrpcChannel Authenticated(string panelUrl, AgentCredentials credentials) =>
        Create(panelUrl, new SslClientAuthenticationOptions
        {
            ClientCertificates = [credentials.NodeCertificate],
            RemoteCertificateValidationCallback = new PanelServerValidator(credentials.CaCertificate).Validate,
        });

    /// <summary>Enrolling, once the CA is pinned: no client certificate, the server must chain to the pinned CA.</summary>
    public static GrpcChannel TrustingCa(string panelUrl, PanelServerValidator validator) =>
        Create(panelUrl, new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = validator.Validate });

    /// <summary>
    /// Enrolling, before the CA is known: any server certificate. Only GetCaCertificate travels on this
    /// channel; its answer is worthless unless its SHA-256 equals the token's pin, and no secret is sent.
    /// </summary>
#pragma warning disable CA5359 // Deliberate, see above: the pin check on the reply is the trust decision.
    public static GrpcChannel Untrusted(string panelUrl) =>
        Create(panelUrl, new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true });
#pragma warning restore CA5359

    private static GrpcChannel Create(string panelUrl, SslClientAuthenticationOptions ssl)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = ssl,
            // As long as the calls' own deadlines: a busy panel (or a busy two-core test machine) may take more than
            // 10 s to accept and finish a TLS handshake, and a call's deadline is what should decide, not the socket.
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
        };
        return GrpcChannel.ForAddress(panelUrl, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

    internal static X509Certificate2 LoadDer(byte[] der) => X509CertificateLoader.LoadCertificate(der);
}
