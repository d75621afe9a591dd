using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Hosting;

/// <summary>
/// The NodeAgent endpoint: HTTP/2 over TLS with node.crt, and only the panel may connect (a client
/// certificate from our CA with urn:vzpanel:panel). The TLS options are built per connection
/// (Kestrel's handshake callback) so a refusal can be logged with the peer's address; requiring the
/// client certificate there is what ClientCertificateMode.RequireCertificate does.
/// </summary>
public static class AgentKestrel
{
    public static void ConfigureAgentEndpoint(this KestrelServerOptions kestrel, AgentOptions options, AgentCredentials credentials)
    {
        var validator = new PanelClientValidator(credentials.CaCertificate);
        var logger = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("VzPanel.Agent.Tls");
        var serverCertificate = SslStreamCertificateContext.Create(credentials.NodeCertificate, additionalCertificates: null, offline: true);

        kestrel.Listen(options.ListenEndPoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = context => ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = serverCertificate,
                    ClientCertificateRequired = true,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    ApplicationProtocols = [SslApplicationProtocol.Http2],
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => Decide(validator, logger, context.Connection, certificate),
                }),
            });
        });
    }

    private static bool Decide(PanelClientValidator validator, ILogger logger, ConnectionContext connection, X509Certificate? certificate)
    {
        var refusal = validator.Refusal(certificate is null ? null : CaTrust.AsCertificate2(certificate));
        if (refusal is not null)
            logger.LogWarning("Refused a TLS client from {RemoteAddress}: {Reason}", connection.RemoteEndPoint, refusal);
        return refusal is null;
    }
}
