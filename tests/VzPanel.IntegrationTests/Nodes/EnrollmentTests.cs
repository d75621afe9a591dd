using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Npgsql;
using VzPanel.Agent.Contracts;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Nodes;

/// <summary>A node joining the fleet over the real agent endpoint (gRPC, TLS) of the real panel.</summary>
public sealed class EnrollmentTests(PanelFixture fixture) : IClassFixture<PanelFixture>
{
    [Fact]
    public async Task Enroll_WithFreshToken_IssuesANodeCertificateAndTheNodeGoesOnline()
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var (nodeId, token, command) = await NodeApiClient.AddNodeAsync(admin, "enroll-ok");
        using var agent = new TestAgent(fixture.Panel.AgentUrl);

        var reply = await agent.EnrollAsync(token);

        command.ShouldBe($"vzpanel-agent enroll --panel {fixture.Panel.AgentUrl.ToString().TrimEnd('/')} --token {token}");
        reply.NodeId.ShouldBe(nodeId);
        reply.NodeName.ShouldBe("enroll-ok");
        agent.Certificate!.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().RawData.ShouldNotBeEmpty();
        agent.Certificate.PublicKey.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo()
            .ShouldBe(agent.Certificate.GetECDsaPrivateKey()!.ExportSubjectPublicKeyInfo());   // the key never left the agent
        var node = await NodeApiClient.NodeAsync(admin, nodeId);
        node.GetProperty("node").GetProperty("state").GetString().ShouldBe("Online");
        node.GetProperty("node").GetProperty("ramMiB").GetInt64().ShouldBe(16384);
        node.GetProperty("node").GetProperty("managementAddress").GetString().ShouldBe("127.0.0.1:7443");
    }

    [Fact]
    public async Task Enroll_TokenUsedTwice_SecondIsRefused()
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var (_, token, _) = await NodeApiClient.AddNodeAsync(admin, "enroll-twice");
        using var first = new TestAgent(fixture.Panel.AgentUrl);
        using var second = new TestAgent(fixture.Panel.AgentUrl);
        await first.EnrollAsync(token);

        var replay = await Should.ThrowAsync<RpcException>(() => second.EnrollAsync(token));

        replay.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        replay.Status.Detail.ShouldContain("invalid, already used or expired");
    }

    [Fact]
    public async Task Enroll_WrongSecret_IsRefusedAndAudited()
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var (_, token, _) = await NodeApiClient.AddNodeAsync(admin, "enroll-wrong");
        var parts = token.Split('.');
        using var agent = new TestAgent(fixture.Panel.AgentUrl);

        var error = await Should.ThrowAsync<RpcException>(() => agent.EnrollAsync($"{parts[0]}.{parts[1]}.not-the-secret.{parts[3]}"));

        error.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        (await admin.GetStringAsync("/api/v1/nodes", TestContext.Current.CancellationToken)).ShouldContain("\"state\":\"Pending\"");
        await using var db = fixture.Database.CreateContext();
        db.AuditEvents.Any(a => a.Action == "node.enroll-refused" && a.Summary.Contains("wrong secret")).ShouldBeTrue();
    }

    [Theory]
    [InlineData("no-port")]
    [InlineData("host:99999")]
    [InlineData("evil host;reboot:7443")]
    public async Task Enroll_BadAgentAddress_IsAClearErrorAndKeepsTheToken(string address)
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var (_, token, _) = await NodeApiClient.AddNodeAsync(admin, $"enroll-addr-{Math.Abs(address.GetHashCode(StringComparison.Ordinal)) % 10000}");
        using var agent = new TestAgent(fixture.Panel.AgentUrl);

        var error = await Should.ThrowAsync<RpcException>(() => agent.EnrollAsync(token, address));

        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        error.Status.Detail.ShouldContain("host:port");
        using var retry = new TestAgent(fixture.Panel.AgentUrl);
        await retry.EnrollAsync(token);                              // the bad attempt did not use the token up
    }

    [Fact]
    public async Task Enroll_ExpiredToken_IsRefused()
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var (_, token, _) = await NodeApiClient.AddNodeAsync(admin, "enroll-late");
        await Sql.ExecuteAsync(fixture.Database.ConnectionString, $"UPDATE join_tokens SET expires_at = now() - interval '1 minute' WHERE id = '{Guid.ParseExact(token.Split('.')[1], "N")}'", TestContext.Current.CancellationToken);
        using var agent = new TestAgent(fixture.Panel.AgentUrl);

        (await Should.ThrowAsync<RpcException>(() => agent.EnrollAsync(token))).StatusCode.ShouldBe(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task Enroll_TokenPinningAnotherCa_StopsBeforeSendingTheSecret()
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var (_, token, _) = await NodeApiClient.AddNodeAsync(admin, "enroll-mitm");
        var parts = token.Split('.');
        var otherPin = Convert.ToHexStringLower(SHA256.HashData("another CA"u8));
        using var agent = new TestAgent(fixture.Panel.AgentUrl);

        var error = await Should.ThrowAsync<InvalidOperationException>(() => agent.EnrollAsync($"{parts[0]}.{parts[1]}.{parts[2]}.{otherPin}"));

        error.Message.ShouldContain("does not match the pin");   // refused before the secret was sent
        using var realAgent = new TestAgent(fixture.Panel.AgentUrl);
        await realAgent.EnrollAsync(token);                      // so the token is still unused
    }

    [Fact]
    public async Task Heartbeat_WithoutOrWithAForeignCertificate_IsRefused()
    {
        using var admin = await NodeApiClient.AdminAsync(fixture);
        var (nodeId, token, _) = await NodeApiClient.AddNodeAsync(admin, "beat-auth");
        using var enrolled = new TestAgent(fixture.Panel.AgentUrl);
        await enrolled.EnrollAsync(token);
        using var foreignKey = ECDsa.Create();
        var foreign = new CertificateRequest("CN=intruder", foreignKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var other = new TestAgent(fixture.Panel.AgentUrl);
        await other.EnrollAsync((await NodeApiClient.AddNodeAsync(admin, "beat-auth-2")).Token);   // trusts the CA, holds another node's cert

        var noCert = await Should.ThrowAsync<RpcException>(() => other.HeartbeatAsync(null, nodeId));
        var otherNodesCert = await Should.ThrowAsync<RpcException>(() => other.HeartbeatAsync(other.Certificate, nodeId));
        var selfSigned = await Should.ThrowAsync<RpcException>(() => other.HeartbeatAsync(foreign, nodeId));

        noCert.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        otherNodesCert.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        selfSigned.Status.Detail.ShouldStartWith("Error starting gRPC call");   // the connection itself was refused
        (await enrolled.HeartbeatAsync()).HeartbeatIntervalSeconds.ShouldBe(5);
    }

    [Fact]
    public async Task AddNode_AsSupport_IsForbidden_AndBadNameIsAProblem()
    {
        await fixture.Database.CreateUserAsync("node-support", VzPanel.Core.Features.Identity.PanelRole.Support);
        using var support = fixture.Panel.CreateClient();
        await SignInForm.PostAsync(support, "node-support", TestUsers.Password);
        using var admin = await NodeApiClient.AdminAsync(fixture);

        var forbidden = await support.PostAsJsonAsync("/api/v1/nodes", new { name = "sneaky" }, TestContext.Current.CancellationToken);
        var badName = await admin.PostAsJsonAsync("/api/v1/nodes", new { name = "bad name;rm" }, TestContext.Current.CancellationToken);

        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        badName.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badName.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("only letters, digits");
        (await support.GetAsync("/api/v1/nodes", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
