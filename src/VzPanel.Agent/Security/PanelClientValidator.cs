using System.Security.Cryptography.X509Certificates;

namespace VzPanel.Agent.Security;

/// <summary>Decides whether a TLS client is the panel: a certificate issued by our CA carrying urn:vzpanel:panel.</summary>
public sealed class PanelClientValidator(X509Certificate2 ca)
{
    public const string PanelUri = "urn:vzpanel:panel";

    /// <returns>null when the client is the panel, else why not (no certificate data in it beyond the subject).</returns>
    public string? Refusal(X509Certificate2? certificate)
    {
        if (certificate is null)
            return "no client certificate";
        if (!CaTrust.ChainsTo(certificate, ca))
            return $"client certificate '{certificate.Subject}' is not issued by the panel CA";
        if (!SubjectAlternativeNames.Uris(certificate).Contains(PanelUri, StringComparer.Ordinal))
            return $"client certificate '{certificate.Subject}' lacks the URI SAN {PanelUri}";
        return null;
    }
}
