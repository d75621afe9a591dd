using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Tests.Support;

namespace VzPanel.Agent.Tests.Host;

/// <summary>One agent process; impostors are turned away at the TLS handshake and the panel still gets in.</summary>
public sealed class AgentTlsRefusalTests(AgentTlsRefusalTests.RunningAgent agent) : IClassFixture<AgentTlsRefusalTests.RunningAgent>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed class RunningAgent : IAsyncLifetime
    {
        public TestPki Pki { get; } = new();
        private readonly TempDirectory _data = new();
        public AgentProcess Process { get; private set; } = null!;
        public string Address { get; private set; } = "";

        public async ValueTask InitializeAsync()
        {
            AgentCredentialsWriter.Write(Pki, _data.Path);
            (Process, Address) = await AgentProcess.StartRunAsync(_data.Path);
        }

        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            Pki.Dispose();
            _data.Dispose();
        }
    }

    private async Task<NodeInfo> CallAsync(X509Certificate2? clientCertificate)
    {
        using var channel = AgentClient.Channel(agent.Address, agent.Pki.Ca, clientCertificate);
        return await AgentClient.Client(channel).GetNodeInfoAsync(new GetNodeInfoRequest(), cancellationToken: Ct);
    }

    private async Task ShouldBeRefusedAsync(X509Certificate2? clientCertificate, string reason)
    {
        var refusal = await Should.ThrowAsync<RpcException>(() => CallAsync(clientCertificate));

        // TLS 1.3 lets the client finish its side before the server rejects the certificate, so the
        // failure surfaces either while connecting (Unavailable) or as a torn HTTP/2 stream (Internal).
        refusal.StatusCode.ShouldBeOneOf(StatusCode.Unavailable, StatusCode.Internal);
        using var panel = agent.Pki.IssuePanelClient();
        (await CallAsync(panel)).CpuCount.ShouldBeGreaterThan(0);
        // The console logger writes from a background queue: wait for the line rather than expect it.
        await agent.Process.WaitForOutputAsync(reason);
        agent.Process.Output.ShouldContain("Refused a TLS client from 127.0.0.1");
    }

    [Fact]
    public async Task Call_WithoutClientCertificate_IsRefusedAndTheAgentKeepsServing() =>
        await ShouldBeRefusedAsync(null, "no client certificate");

    [Fact]
    public async Task Call_CertificateFromAnotherCa_IsRefusedAndTheAgentKeepsServing()
    {
        using var otherCa = new TestPki("Other CA");
        using var foreign = otherCa.IssuePanelClient();

        await ShouldBeRefusedAsync(foreign, "is not issued by the panel CA");
    }

    [Fact]
    public async Task Call_CaSignedCertificateWithoutPanelUri_IsRefusedAndTheAgentKeepsServing()
    {
        using var notPanel = agent.Pki.IssuePanelClient(withPanelUri: false);

        await ShouldBeRefusedAsync(notPanel, "lacks the URI SAN urn:vzpanel:panel");
    }

    [Fact]
    public async Task Call_PanelCertificate_IsServed()
    {
        using var panel = agent.Pki.IssuePanelClient();

        var node = await CallAsync(panel);

        node.Engine.ShouldBe(Engine.Sim);
    }
}
