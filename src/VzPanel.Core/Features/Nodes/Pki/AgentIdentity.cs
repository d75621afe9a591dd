using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VzPanel.Core.Features.Nodes.Pki;

/// <summary>
/// Who a certificate speaks for, read from its URI subject alternative name:
/// <c>urn:vzpanel:panel</c> for the panel, <c>urn:vzpanel:node:&lt;id&gt;</c> for a node's agent.
/// </summary>
public static class AgentIdentity
{
    public const string PanelUri = "urn:vzpanel:panel";
    private const string NodePrefix = "urn:vzpanel:node:";
    private const string SubjectAltNameOid = "2.5.29.17";

    public static string NodeUri(Guid nodeId) => NodePrefix + nodeId.ToString("D");

    public static bool IsPanel(X509Certificate2 cert) => UrisOf(cert).Contains(PanelUri);

    public static Guid? NodeIdOf(X509Certificate2 cert) =>
        UrisOf(cert).Where(u => u.StartsWith(NodePrefix, StringComparison.Ordinal))
            .Select(u => Guid.TryParse(u[NodePrefix.Length..], out var id) ? id : (Guid?)null)
            .FirstOrDefault(id => id is not null);

    /// <summary>Lower-case hex SHA-256 of the DER bytes: the pin in join tokens and the stored node thumbprint.</summary>
    public static string Sha256(X509Certificate2 cert) => Convert.ToHexStringLower(SHA256.HashData(cert.RawData));

    public static IReadOnlyList<string> UrisOf(X509Certificate2 cert)
    {
        var ext = cert.Extensions.FirstOrDefault(e => e.Oid?.Value == SubjectAltNameOid);
        if (ext is null) return [];
        var uris = new List<string>();
        var names = new AsnReader(ext.RawData, AsnEncodingRules.DER).ReadSequence();
        var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
        while (names.HasData)
        {
            if (names.PeekTag() == uriTag) uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
            else names.ReadEncodedValue();
        }
        return uris;
    }

    /// <summary>True when <paramref name="cert"/> was issued by <paramref name="ca"/> and is valid now.</summary>
    public static bool ChainsTo(X509Certificate2 cert, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert) && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(ca.RawData);
    }
}
