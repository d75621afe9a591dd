using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Migration;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Migration;

/// <summary>
/// The source's end of the migration channel: trusts the target only if its certificate comes from the panel CA
/// and names the target node the panel chose, then presents the ticket and streams the payload.
/// </summary>
public sealed class MigrationSender(string address, string targetNodeId, string instanceId, string ticket, X509Certificate2 ca) : IMigrationTransport
{
    public async Task<long> SendAsync(Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var separator = address.LastIndexOf(':');
        if (separator <= 0 || !int.TryParse(address[(separator + 1)..], out var port))
            throw new EngineException(EngineErrorCode.InvalidArgument, $"the target's migration address '{address}' is not host:port");
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(address[..separator].Trim('[', ']'), port, cancellationToken);
            string? refusal = null;
            await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, chain, _) =>
            {
                refusal = TargetRefusal(certificate, chain);
                return refusal is null;
            });
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "vzpanel-node",
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                }, cancellationToken);
            }
            catch (AuthenticationException) when (refusal is not null)
            {
                throw new EngineException(EngineErrorCode.Failed, $"the target at {address} is not node {targetNodeId}: {refusal}");
            }

            await ChannelLines.WriteAsync(tls, $"{ChannelLines.Hello} {instanceId} {ticket}", cancellationToken);
            var go = await ChannelLines.ReadAsync(tls, cancellationToken);
            if (go != "GO") throw Refused(go);
            var payload = new ChunkWriteStream(tls);
            await using (var buffered = new BufferedStream(payload, 256 * 1024))
            {
                await write(buffered, cancellationToken);
                await buffered.FlushAsync(cancellationToken);
            }
            await payload.EndAsync(cancellationToken);
            var answer = await ChannelLines.ReadAsync(tls, cancellationToken);
            if (!answer.StartsWith("OK", StringComparison.Ordinal)) throw Refused(answer);
            return payload.Written;
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            throw new EngineException(EngineErrorCode.Unavailable, $"the transfer to {address} broke off: {ex.Message}");
        }
    }

    private string? TargetRefusal(X509Certificate? certificate, X509Chain? chain)
    {
        if (certificate is null) return "it presented no certificate";
        var leaf = CaTrust.AsCertificate2(certificate);
        if (!CaTrust.ChainsTo(leaf, ca, chain?.ChainPolicy.ExtraStore.Cast<X509Certificate2>()))
            return "its certificate is not issued by the panel CA";
        return SubjectAlternativeNames.Uris(leaf).Contains($"urn:vzpanel:node:{targetNodeId}") ? null : "its certificate names another node";
    }

    private static EngineException Refused(string line) =>
        new(EngineErrorCode.Failed, $"the target refused the transfer: {(line.StartsWith("ERR ", StringComparison.Ordinal) ? line[4..] : line)}");
}
