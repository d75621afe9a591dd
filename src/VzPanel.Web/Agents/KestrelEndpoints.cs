using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using VzPanel.Core.Features.Nodes.Pki;
using VzPanel.Core.Options;

namespace VzPanel.Web.Agents;

/// <summary>
/// Two kinds of endpoint: the web UI and API on the configured URLs, and the agent endpoint (gRPC over
/// HTTP/2, TLS with the panel CA's certificate, client certificates requested). Declaring an endpoint
/// in code replaces the URL settings, so both are declared here.
/// </summary>
internal static class KestrelEndpoints
{
    public static void Configure(WebApplicationBuilder builder, string webUrls)
    {
        var agents = builder.Configuration.GetSection(AgentOptions.Section).Get<AgentOptions>() ?? new AgentOptions();
        var agentEndpoint = ParseEndpoint(agents.Listen);
        SslServerAuthenticationOptions? serverOptions = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var url in webUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                ListenWeb(kestrel, BindingAddress.Parse(url));

            kestrel.Listen(agentEndpoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    // Built on the first connection (the CA is loaded after the host is built), then shared.
                    OnConnection = _ => ValueTask.FromResult(serverOptions ??= ServerOptions(kestrel.ApplicationServices.GetRequiredService<AgentCertificateAuthority>())),
                });
            });
        });
    }

    public static int AgentPort(IConfiguration configuration) =>
        ParseEndpoint((configuration.GetSection(AgentOptions.Section).Get<AgentOptions>() ?? new AgentOptions()).Listen).Port;

    private static SslServerAuthenticationOptions ServerOptions(AgentCertificateAuthority ca) => new()
    {
        // The CA travels in the chain so a new agent can check it against the pin in its join token.
        ServerCertificateContext = SslStreamCertificateContext.Create(ca.ServerCertificate, [ca.Certificate], offline: true),
        ClientCertificateRequired = true,
        // Enrollment comes without a certificate; one that is sent must be ours. Which node it names is
        // checked per call (PanelGatewayService).
        RemoteCertificateValidationCallback = (_, cert, _, _) => cert is null
            || ca.Issued(cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData())),
        ApplicationProtocols = [SslApplicationProtocol.Http2],
    };

    private static void ListenWeb(KestrelServerOptions kestrel, BindingAddress address)
    {
        Action<ListenOptions> https = address.Scheme == "https" ? l => l.UseHttps() : _ => { };
        if (address.Host is "+" or "*" or "0.0.0.0" or "[::]") kestrel.ListenAnyIP(address.Port, https);
        else if (address.Host == "localhost") kestrel.ListenLocalhost(address.Port, https);
        else kestrel.Listen(IPAddress.Parse(address.Host.Trim('[', ']')), address.Port, https);
    }

    private static IPEndPoint ParseEndpoint(string hostPort) =>
        IPEndPoint.TryParse(hostPort, out var endpoint) && endpoint.Port != 0
            ? endpoint
            : throw new InvalidOperationException($"Agents:Listen must be an address and port such as 127.0.0.1:5081, not '{hostPort}'.");
}
