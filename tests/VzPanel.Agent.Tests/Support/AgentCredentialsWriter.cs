using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Tests.Support;

/// <summary>Writes what `enroll` would have written, with certificates from the test CA.</summary>
public static class AgentCredentialsWriter
{
    public static NodeIdentity Write(TestPki pki, string dataDirectory, string panelUrl = "https://127.0.0.1:1", int heartbeatSeconds = 30, string? nodeId = null)
    {
        var id = nodeId ?? Guid.NewGuid().ToString();
        using var certificate = pki.IssueNode(id);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("no key");
        var identity = new NodeIdentity(id, "node-" + id[..8], panelUrl, heartbeatSeconds);
        new CredentialStore(dataDirectory).Save(ExportableCopy(key), certificate.RawData, pki.Ca.RawData, identity);
        return identity;
    }

    // Keys made by CopyWithPrivateKey may refuse a plain export; a round trip through PKCS#8 with a password does not.
    private static ECDsa ExportableCopy(ECDsa key)
    {
        var parameters = new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1);
        var encrypted = key.ExportEncryptedPkcs8PrivateKey("x"u8, parameters);
        var copy = ECDsa.Create();
        copy.ImportEncryptedPkcs8PrivateKey("x"u8, encrypted, out _);
        return copy;
    }
}
