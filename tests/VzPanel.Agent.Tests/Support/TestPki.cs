using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VzPanel.Agent.Tests.Support;

/// <summary>A throwaway certificate authority, the way the panel's CA issues certificates.</summary>
public sealed class TestPki : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public TestPki(string name = "VzPanel Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public X509Certificate2 Ca { get; }

    public string CaSha256Hex => Convert.ToHexStringLower(SHA256.HashData(Ca.RawData));

    /// <summary>The panel's client certificate: what NodeAgent requires.</summary>
    public X509Certificate2 IssuePanelClient(bool withPanelUri = true) =>
        Issue("CN=vzpanel-panel", withPanelUri ? ["urn:vzpanel:panel"] : ["urn:vzpanel:somebody-else"], [ClientAuth]);

    /// <summary>A node certificate as enrollment gives it: node URI, serverAuth + clientAuth, 127.0.0.1.</summary>
    public X509Certificate2 IssueNode(string nodeId) =>
        Issue("CN=vzpanel-agent", [$"urn:vzpanel:node:{nodeId}"], [ServerAuth, ClientAuth], [IPAddress.Loopback], ["localhost"]);

    public X509Certificate2 IssueServer() =>
        Issue("CN=vzpanel-panel-agents", ["urn:vzpanel:panel"], [ServerAuth, ClientAuth], [IPAddress.Loopback], ["localhost"]);

    public X509Certificate2 Issue(string subject, IEnumerable<string> uris, IEnumerable<Oid> usages,
        IEnumerable<IPAddress>? addresses = null, IEnumerable<string>? dnsNames = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var cert = IssueFor(request, uris, usages, addresses, dnsNames);
        using (cert)
            return cert.CopyWithPrivateKey(key);
    }

    /// <summary>Signs a request (a CSR from the agent, or one made here).</summary>
    public X509Certificate2 IssueFor(CertificateRequest request, IEnumerable<string> uris, IEnumerable<Oid> usages,
        IEnumerable<IPAddress>? addresses = null, IEnumerable<string>? dnsNames = null)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var uri in uris)
            san.AddUri(new Uri(uri));
        foreach (var address in addresses ?? [])
            san.AddIpAddress(address);
        foreach (var dns in dnsNames ?? [])
            san.AddDnsName(dns);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var oids = new OidCollection();
        foreach (var usage in usages)
            oids.Add(usage);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        return request.Create(Ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), serial);
    }

    public static Oid[] NodeUsages => [ServerAuth, ClientAuth];

    public void Dispose() => Ca.Dispose();
}
