namespace VzPanel.Core.Features.Nodes.Pki;

/// <summary>The panel's CA for agent mTLS: the certificate in the open, the private key encrypted (data protection).</summary>
public sealed class CertificateAuthorityRecord
{
    public int Id { get; init; } = 1;
    public required byte[] CertificateDer { get; init; }
    public required string ProtectedPrivateKey { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
