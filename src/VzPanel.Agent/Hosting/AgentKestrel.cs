using System.Net.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Hosting;

/// <summary>
/// The NodeAgent endpoint: HTTP/2 over TLS with node.crt, and only the panel may connect (a client
/// certificate from our CA with urn:vzpanel:panel). Refusals are logged with the peer address.
/// </summary>
public static class AgentKestrel
{
    public static void ConfigureAgentEndpoint(this KestrelServerOptions kestrel, AgentOptions options, AgentCredentials credentials)
    {
        var validator = new PanelClientValidator(credentials.CaCertificate);
        var logger = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("VzPanel.Agent.Tls");

        kestrel.Listen(options.ListenEndPoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = credentials.NodeCertificate;
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (certificate, _, _) => validator.Refusal(certificate) is null;
                // Same decision as above, taken where the connection (and so the peer address) is known.
                https.OnAuthenticate = (connection, ssl) => ssl.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    Decide(validator, logger, connection, certificate);
            });
        });
    }

    private static bool Decide(PanelClientValidator validator, ILogger logger, ConnectionContext connection,
        System.Security.Cryptography.X509Certificates.X509Certificate? certificate)
    {
        var refusal = validator.Refusal(certificate is null ? null : CaTrust.AsCertificate2(certificate));
        if (refusal is not null)
            logger.LogWarning("Refused a TLS client from {RemoteAddress}: {Reason}", connection.RemoteEndPoint, refusal);
        return refusal is null;
    }
}
