using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Security;
using VzPanel.Shared;

namespace VzPanel.Agent.Enrollment;

/// <summary>
/// Joins this node to a panel. TLS servers never send their self-signed root, so the pin cannot be
/// checked in the handshake; instead: (1) fetch the CA over a connection trusted for nothing,
/// (2) require its SHA-256 to equal the token's pin, (3) send the token and a CSR over a connection
/// whose server certificate must chain to that CA. The P-256 key never leaves the node.
/// </summary>
public sealed class Enroller(CredentialStore store, ILogger<Enroller> logger)
{
    public async Task<NodeIdentity> EnrollAsync(string panelUrl, JoinTokenText token, string agentAddress, NodeInfo node, CancellationToken cancellationToken)
    {
        if (store.Exists)
            throw new EnrollmentException($"this node is already enrolled ({store.Directory} holds credentials); remove them to enroll again");

        using var ca = await FetchPinnedCaAsync(panelUrl, token, cancellationToken);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=vzpanel-agent", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        var validator = new PanelServerValidator(ca);
        using var channel = PanelChannels.TrustingCa(panelUrl, validator);
        var client = new PanelGateway.PanelGatewayClient(channel);

        logger.LogInformation("Enrolling at {PanelUrl} with token {TokenId}", panelUrl, token.TokenId);
        EnrollReply reply;
        try
        {
            reply = await client.EnrollAsync(new EnrollRequest
            {
                TokenId = token.TokenId,
                TokenSecret = token.Secret,
                CertificateSigningRequest = ByteString.CopyFrom(csr),
                AgentAddress = agentAddress,
                Node = node,
            }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken);
        }
        catch (RpcException failure) when (validator.Refusal is not null)
        {
            throw new EnrollmentException($"refused the panel at {panelUrl}: {validator.Refusal}; the token was not sent", failure);
        }
        catch (RpcException failure)
        {
            throw new EnrollmentException($"the panel at {panelUrl} did not enroll this node: {failure.StatusCode}: {failure.Status.Detail}", failure);
        }

        CheckReply(reply, key, ca);
        var interval = reply.HeartbeatIntervalSeconds > 0 ? reply.HeartbeatIntervalSeconds : 30;
        var identity = new NodeIdentity(reply.NodeId, reply.NodeName, panelUrl, interval, agentAddress);
        store.Save(key, reply.Certificate.ToByteArray(), ca.RawData, identity);
        logger.LogInformation("Enrolled as node {NodeName} ({NodeId}); credentials in {Directory}", identity.NodeName, identity.NodeId, store.Directory);
        return identity;
    }

    private const int CaFetchAttempts = 3;

    private static async Task<X509Certificate2> FetchPinnedCaAsync(string panelUrl, JoinTokenText token, CancellationToken cancellationToken)
    {
        using var channel = PanelChannels.Untrusted(panelUrl);
        CaCertificate reply;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                reply = await new PanelGateway.PanelGatewayClient(channel).GetCaCertificateAsync(new GetCaCertificateRequest(),
                    deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken);
                break;
            }
            // A busy or just restarted panel may drop the first connection; asking for its public CA again is harmless.
            catch (RpcException failure) when (failure.StatusCode == StatusCode.Unavailable && attempt < CaFetchAttempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
            catch (RpcException failure)
            {
                throw new EnrollmentException($"could not fetch the CA certificate from the panel at {panelUrl}: {failure.StatusCode}: {failure.Status.Detail}", failure);
            }
        }

        var der = reply.Certificate.ToByteArray();
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(der));
        if (fingerprint != token.CaSha256Hex)
            throw new EnrollmentException(
                $"the panel at {panelUrl} presented a CA with SHA-256 {fingerprint[..16]}…, but the token pins {token.CaSha256Hex[..16]}…; the token was not sent");
        try
        {
            return PanelChannels.LoadDer(der);
        }
        catch (CryptographicException failure)
        {
            throw new EnrollmentException("the pinned CA certificate cannot be read", failure);
        }
    }

    /// <summary>The certificate must be for our key and from the pinned CA; anything else is not ours to store.</summary>
    private static void CheckReply(EnrollReply reply, ECDsa key, X509Certificate2 ca)
    {
        if (string.IsNullOrWhiteSpace(reply.NodeId))
            throw new EnrollmentException("the panel's reply has no node id");
        if (!reply.CaCertificate.IsEmpty && !reply.CaCertificate.Span.SequenceEqual(ca.RawData))
            throw new EnrollmentException("the CA certificate in the panel's reply is not the pinned one");
        X509Certificate2 certificate;
        try
        {
            certificate = PanelChannels.LoadDer(reply.Certificate.ToByteArray());
        }
        catch (CryptographicException failure)
        {
            throw new EnrollmentException("the panel's reply holds no readable certificate", failure);
        }
        using (certificate)
        {
            using var issuedKey = certificate.GetECDsaPublicKey();
            if (issuedKey is null || !issuedKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                throw new EnrollmentException("the certificate in the panel's reply is not for this node's key");
            if (!CaTrust.ChainsTo(certificate, ca))
                throw new EnrollmentException("the certificate in the panel's reply is not issued by the panel CA");
        }
    }
}
