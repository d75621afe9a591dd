using System.Text.Json;
using System.Security.Cryptography.X509Certificates;
using VzPanel.Agent.Cli;
using VzPanel.Agent.Security;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Host;

/// <summary>`vzpanel-agent enroll` as a process against a fake panel gateway over real TLS.</summary>
public sealed class EnrollmentTests : IAsyncDisposable
{
    private const string Secret = "c2VjcmV0LXRoYXQtbXVzdC1uZXZlci1iZS1sb2dnZWQ";
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new();

    private string Token(string pin) => $"vzp1.{Guid.NewGuid():N}.{Secret}.{pin}";

    private static Task<(int ExitCode, string Output)> EnrollAsync(string panelUrl, string token, string dataDirectory) =>
        AgentProcess.RunToEndAsync("enroll", "--panel", panelUrl, "--token", token, "--data-dir", dataDirectory,
            "--advertise", "127.0.0.1:7443", "--sim-ram", "4G", "--sim-name", "enroll-sim");

    [Fact]
    public async Task Enroll_TokenWithTheRightPin_WritesCredentialsWithAnOwnerOnlyKey()
    {
        using var serverCertificate = _pki.IssueServer();
        await using var gateway = await FakePanelGateway.StartAsync(_pki, serverCertificate, _pki.Ca);

        var (code, output) = await EnrollAsync(gateway.Url, Token(_pki.CaSha256Hex), _data.Path);

        code.ShouldBe(ExitCodes.Ok, output);
        output.ShouldNotContain(Secret);
        var store = new CredentialStore(_data.Path);
        File.GetUnixFileMode(store.KeyPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(store.Directory).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        (await File.ReadAllTextAsync(store.KeyPath, TestContext.Current.CancellationToken)).ShouldStartWith("-----BEGIN PRIVATE KEY-----");
        using var credentials = store.Load();
        credentials.Identity.NodeId.ShouldBe(gateway.Recorded.NodeId);
        credentials.Identity.PanelUrl.ShouldBe(gateway.Url);
        credentials.Identity.HeartbeatIntervalSeconds.ShouldBe(1);
        credentials.NodeCertificate.HasPrivateKey.ShouldBeTrue();
        credentials.CaCertificate.RawData.ShouldBe(_pki.Ca.RawData);
        var enrollment = gateway.Recorded.Enrollments.ShouldHaveSingleItem();
        enrollment.TokenSecret.ShouldBe(Secret);
        enrollment.AgentAddress.ShouldBe("127.0.0.1:7443");
        enrollment.Node.RamMib.ShouldBe(4096);
        enrollment.Node.Hostname.ShouldBe("enroll-sim");
        new X500DistinguishedName(System.Security.Cryptography.X509Certificates.CertificateRequest
            .LoadSigningRequest(enrollment.CertificateSigningRequest.ToByteArray(), System.Security.Cryptography.HashAlgorithmName.SHA256)
            .SubjectName.RawData).Name.ShouldBe("CN=vzpanel-agent");
        JsonDocument.Parse(await File.ReadAllTextAsync(store.IdentityPath, TestContext.Current.CancellationToken))
            .RootElement.GetProperty("heartbeatIntervalSeconds").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Enroll_WrongPin_IsRefusedBeforeTheTokenIsSent()
    {
        using var otherCa = new TestPki("Some Other CA");
        using var serverCertificate = _pki.IssueServer();
        await using var gateway = await FakePanelGateway.StartAsync(_pki, serverCertificate, _pki.Ca);

        var (code, output) = await EnrollAsync(gateway.Url, Token(otherCa.CaSha256Hex), _data.Path);

        code.ShouldBe(ExitCodes.Failure, output);
        output.ShouldContain("the token was not sent");
        gateway.Recorded.Enrollments.ShouldBeEmpty();
        Directory.Exists(new CredentialStore(_data.Path).Directory).ShouldBeFalse();
    }

    [Fact]
    public async Task Enroll_ImpostorOffersTheRightCaButItsOwnCertificate_IsRefusedBeforeTheTokenIsSent()
    {
        using var impostorPki = new TestPki("Impostor CA");
        using var impostorCertificate = impostorPki.IssueServer();
        await using var impostor = await FakePanelGateway.StartAsync(impostorPki, impostorCertificate, offeredCa: _pki.Ca);

        var (code, output) = await EnrollAsync(impostor.Url, Token(_pki.CaSha256Hex), _data.Path);

        code.ShouldBe(ExitCodes.Failure, output);
        output.ShouldContain("is not issued by the pinned panel CA");
        impostor.Recorded.CaRequests.ShouldBe(1);
        impostor.Recorded.Enrollments.ShouldBeEmpty();
    }

    [Fact]
    public async Task Enroll_MalformedToken_ExitsWithUsageCodeAndSaysWhy()
    {
        var (code, output) = await EnrollAsync("https://127.0.0.1:9", "vzp1.only-three-parts.x", _data.Path);

        code.ShouldBe(ExitCodes.Usage);
        output.ShouldContain("malformed join token: expected 4 dot-separated parts");
    }

    public ValueTask DisposeAsync()
    {
        _pki.Dispose();
        _data.Dispose();
        return ValueTask.CompletedTask;
    }
}
