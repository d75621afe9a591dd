using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Tests.Support;

public sealed record RecordedHeartbeat(DateTimeOffset At, Heartbeat Heartbeat, IReadOnlyList<string> ClientCertificateUris);

/// <summary>A stand-in for the panel's agent endpoint: Kestrel + TLS + PanelGateway, recording every call.</summary>
public sealed class FakePanelGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakePanelGateway(WebApplication app, State state)
    {
        _app = app;
        Recorded = state;
    }

    public State Recorded { get; }

    public string Url { get; private set; } = "";

    /// <param name="offeredCa">What GetCaCertificate answers; the TLS certificate may come from elsewhere (an impostor).</param>
    public static async Task<FakePanelGateway> StartAsync(TestPki issuer, X509Certificate2 serverCertificate, X509Certificate2 offeredCa, int heartbeatSeconds = 1, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Logging.ClearProviders();
        var state = new State(issuer, offeredCa, heartbeatSeconds);
        builder.Services.AddSingleton(state);
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = serverCertificate;
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = (_, _, _) => true; // recorded, judged by the tests
            });
        }));
        var app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var gateway = new FakePanelGateway(app, state);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway.Url = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    public sealed class State(TestPki issuer, X509Certificate2 offeredCa, int heartbeatSeconds)
    {
        public AsyncCondition Changed { get; } = new();
        private int _caRequests;
        public int CaRequests => Volatile.Read(ref _caRequests);
        internal void CountCaRequest() => Interlocked.Increment(ref _caRequests);
        public ConcurrentQueue<EnrollRequest> Enrollments { get; } = new();
        public ConcurrentQueue<RecordedHeartbeat> Heartbeats { get; } = new();
        public string NodeId { get; } = Guid.NewGuid().ToString();
        internal TestPki Issuer => issuer;
        internal X509Certificate2 OfferedCa => offeredCa;
        internal int HeartbeatSeconds => heartbeatSeconds;
    }

    private sealed class Service(State state) : PanelGateway.PanelGatewayBase
    {
        public override Task<CaCertificate> GetCaCertificate(GetCaCertificateRequest request, ServerCallContext context)
        {
            state.CountCaRequest();
            state.Changed.Notify();
            return Task.FromResult(new CaCertificate { Certificate = ByteString.CopyFrom(state.OfferedCa.RawData) });
        }

        public override Task<EnrollReply> Enroll(EnrollRequest request, ServerCallContext context)
        {
            state.Enrollments.Enqueue(request);
            state.Changed.Notify();
            var csr = CertificateRequest.LoadSigningRequest(request.CertificateSigningRequest.ToByteArray(), HashAlgorithmName.SHA256);
            using var certificate = state.Issuer.IssueFor(csr, [$"urn:vzpanel:node:{state.NodeId}"], TestPki.NodeUsages, [IPAddress.Loopback]);
            return Task.FromResult(new EnrollReply
            {
                NodeId = state.NodeId,
                NodeName = "fake-node",
                Certificate = ByteString.CopyFrom(certificate.RawData),
                CaCertificate = ByteString.CopyFrom(state.Issuer.Ca.RawData),
                HeartbeatIntervalSeconds = state.HeartbeatSeconds,
            });
        }

        public override Task<HeartbeatReply> ReportHeartbeat(Heartbeat request, ServerCallContext context)
        {
            var certificate = context.GetHttpContext().Connection.ClientCertificate;
            var uris = certificate is null ? [] : SubjectAlternativeNames.Uris(certificate);
            state.Heartbeats.Enqueue(new RecordedHeartbeat(DateTimeOffset.UtcNow, request, uris));
            state.Changed.Notify();
            return Task.FromResult(new HeartbeatReply { HeartbeatIntervalSeconds = state.HeartbeatSeconds });
        }
    }
}
