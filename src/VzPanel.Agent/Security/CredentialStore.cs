using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace VzPanel.Agent.Security;

/// <summary>
/// &lt;data&gt;/credentials/: node.key (PEM, 0600), node.crt, ca.crt, node.json; the directory is 0700.
/// The private key is written here and nowhere else.
/// </summary>
public sealed class CredentialStore(string dataDirectory)
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PublicFile = OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Directory { get; } = Path.Combine(dataDirectory, "credentials");
    public string KeyPath => Path.Combine(Directory, "node.key");
    public string CertificatePath => Path.Combine(Directory, "node.crt");
    public string CaPath => Path.Combine(Directory, "ca.crt");
    public string IdentityPath => Path.Combine(Directory, "node.json");

    public bool Exists => File.Exists(KeyPath) && File.Exists(CertificatePath) && File.Exists(CaPath) && File.Exists(IdentityPath);

    public AgentCredentials Load()
    {
        if (!Exists)
            throw new InvalidOperationException($"no credentials in {Directory}: run `vzpanel-agent enroll` first");
        var certificate = X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath);
        var ca = X509CertificateLoader.LoadCertificateFromFile(CaPath);
        var identity = JsonSerializer.Deserialize<NodeIdentity>(File.ReadAllText(IdentityPath))
            ?? throw new InvalidOperationException($"{IdentityPath} is empty");
        return new AgentCredentials(certificate, ca, identity);
    }

    public void Save(ECDsa key, byte[] certificateDer, byte[] caDer, NodeIdentity identity)
    {
        var directory = System.IO.Directory.CreateDirectory(Directory);
        File.SetUnixFileMode(directory.FullName, OwnerOnlyDirectory);
        WriteFile(KeyPath, key.ExportPkcs8PrivateKeyPem(), OwnerOnlyFile);
        WriteFile(CertificatePath, PemEncoding.WriteString("CERTIFICATE", certificateDer) + "\n", PublicFile);
        WriteFile(CaPath, PemEncoding.WriteString("CERTIFICATE", caDer) + "\n", PublicFile);
        WriteFile(IdentityPath, JsonSerializer.Serialize(identity, Json) + "\n", PublicFile);
    }

    public void SaveIdentity(NodeIdentity identity) =>
        WriteFile(IdentityPath, JsonSerializer.Serialize(identity, Json) + "\n", PublicFile);

    /// <summary>The mode is set on the empty temp file before any byte is written, then the file is renamed into place.</summary>
    private static void WriteFile(string path, string content, UnixFileMode mode)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = mode }))
        {
            File.SetUnixFileMode(temp, mode);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
