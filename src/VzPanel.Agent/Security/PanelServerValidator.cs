using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace VzPanel.Agent.Security;

/// <summary>
/// Trusts a panel server certificate only if it chains to the panel CA (custom root, no system roots,
/// no revocation). Host names are not checked: the CA is the panel's identity, and nodes may reach
/// the panel under any address. Remembers why it refused, so callers can say so.
/// </summary>
public sealed class PanelServerValidator(X509Certificate2 ca)
{
    public string? Refusal { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            Refusal = "the panel presented no certificate";
            return false;
        }
        var presented = chain?.ChainPolicy.ExtraStore.Cast<X509Certificate2>();
        if (CaTrust.ChainsTo(CaTrust.AsCertificate2(certificate), ca, presented))
            return true;
        Refusal = $"the panel's certificate '{certificate.Subject}' is not issued by the pinned panel CA";
        return false;
    }
}
