using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VzPanel.Agent.Security;

/// <summary>Chain checks against the panel CA alone: no system roots, no revocation (the panel CA has no CRL).</summary>
public static class CaTrust
{
    public static bool ChainsTo(X509Certificate2 leaf, X509Certificate2 ca, IEnumerable<X509Certificate2>? intermediates = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        foreach (var intermediate in intermediates ?? [])
            chain.ChainPolicy.ExtraStore.Add(intermediate);
        return chain.Build(leaf);
    }

    public static string Sha256Hex(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    public static X509Certificate2 AsCertificate2(System.Security.Cryptography.X509Certificates.X509Certificate certificate) =>
        certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
}
