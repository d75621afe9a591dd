using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Nodes.Pki;

/// <summary>
/// The panel's own certificate authority for the agent channel. It issues node certificates from the
/// agents' signing requests (their keys never leave the node), the panel's client certificate and the
/// agent endpoint's server certificate. The CA key is stored encrypted with data protection.
/// </summary>
public sealed class AgentCertificateAuthority(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock)
{
    private static readonly TimeSpan NodeCertificateLifetime = TimeSpan.FromDays(365);
    private X509Certificate2? _ca;

    /// <summary>The CA certificate without its key: what agents trust.</summary>
    public X509Certificate2 Certificate { get; private set; } = null!;

    /// <summary>Hex SHA-256 of the CA certificate, carried in join tokens so agents can pin it.</summary>
    public string Pin => AgentIdentity.Sha256(Ca);

    public X509Certificate2 PanelClientCertificate { get; private set; } = null!;
    public X509Certificate2 ServerCertificate { get; private set; } = null!;

    private X509Certificate2 Ca => _ca ?? throw new InvalidOperationException("The agent CA is not initialized yet.");

    /// <summary>Loads the CA (creating it on first start) and issues this process's panel certificates.</summary>
    public async Task InitializeAsync(IEnumerable<string> serverNames, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System;
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<VzPanelDbContext>>().CreateDbContextAsync(ct);
        var protector = protection.CreateProtector("VzPanel.AgentCertificateAuthority");
        var stored = await db.CertificateAuthority.SingleOrDefaultAsync(ct);
        if (stored is null)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN=VzPanel agent CA {Guid.NewGuid():N}", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            var now = clock.GetUtcNow();
            using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(20));
            stored = new CertificateAuthorityRecord
            {
                CertificateDer = created.RawData,
                ProtectedPrivateKey = protector.Protect(Convert.ToBase64String(key.ExportPkcs8PrivateKey())),
                CreatedAt = now,
            };
            db.CertificateAuthority.Add(stored);
            await db.SaveChangesAsync(ct);
        }

        var caKey = ECDsa.Create();
        caKey.ImportPkcs8PrivateKey(Convert.FromBase64String(protector.Unprotect(stored.ProtectedPrivateKey)), out _);
        using var caPublic = X509CertificateLoader.LoadCertificate(stored.CertificateDer);
        _ca = caPublic.CopyWithPrivateKey(caKey);
        Certificate = X509CertificateLoader.LoadCertificate(stored.CertificateDer);
        PanelClientCertificate = IssueOwn("CN=vzpanel-panel", san => san.AddUri(new Uri(AgentIdentity.PanelUri)), clientAuth: true);
        ServerCertificate = IssueOwn("CN=vzpanel-agent-endpoint", san => AddNames(san, serverNames), clientAuth: false);
    }

    /// <summary>A node certificate for the key in <paramref name="signingRequest"/> (PKCS#10, signature checked).</summary>
    public X509Certificate2 IssueNodeCertificate(byte[] signingRequest, Guid nodeId, string agentHost)
    {
        var csr = CertificateRequest.LoadSigningRequest(signingRequest, HashAlgorithmName.SHA256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN=node-{nodeId:D}"), csr.PublicKey, HashAlgorithmName.SHA256);
        AddLeafExtensions(request, serverAuth: true, clientAuth: true, san =>
        {
            san.AddUri(new Uri(AgentIdentity.NodeUri(nodeId)));
            AddNames(san, [agentHost]);
        });
        var now = clock.GetUtcNow();
        return request.Create(Ca, now.AddMinutes(-5), now.Add(NodeCertificateLifetime), RandomNumberGenerator.GetBytes(16));
    }

    public bool Issued(X509Certificate2 cert) => AgentIdentity.ChainsTo(cert, Ca);

    private X509Certificate2 IssueOwn(string subject, Action<SubjectAlternativeNameBuilder> names, bool clientAuth)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        AddLeafExtensions(request, serverAuth: !clientAuth, clientAuth: clientAuth, names);
        var now = clock.GetUtcNow();
        using var issued = request.Create(Ca, now.AddMinutes(-5), now.AddDays(90), RandomNumberGenerator.GetBytes(16));
        // Re-imported as PKCS#12 so TLS on Linux can use the key in both roles.
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private static void AddLeafExtensions(CertificateRequest request, bool serverAuth, bool clientAuth, Action<SubjectAlternativeNameBuilder> names)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection();
        if (serverAuth) usages.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        if (clientAuth) usages.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        request.CertificateExtensions.Add(san.Build());
    }

    private static void AddNames(SubjectAlternativeNameBuilder san, IEnumerable<string> hosts)
    {
        foreach (var host in hosts.Where(h => !string.IsNullOrWhiteSpace(h)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(host);
        }
    }
}
