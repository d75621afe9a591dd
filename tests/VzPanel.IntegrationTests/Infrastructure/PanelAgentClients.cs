using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VzPanel.Agent.Contracts;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Nodes.Agents.Grpc;
using VzPanel.Core.Features.Nodes.Pki;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.IntegrationTests.Infrastructure;

/// <summary>
/// Asks node agents directly, exactly as the panel does: mutual TLS with a panel client certificate issued by
/// the running panel's own CA (its key opened with the panel's data-protection key ring). Tests use it to check
/// what a node really runs, independently of the inventory.
/// </summary>
public sealed class PanelAgentClients : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly AgentChannels _clients;

    private PanelAgentClients(ServiceProvider services, AgentChannels clients)
    {
        _services = services;
        _clients = clients;
    }

    public static async Task<PanelAgentClients> OpenAsync(PanelFixture fixture)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(fixture.Database.Factory(AccessScope.System))
            .AddScoped(_ => new CurrentAccess(AccessScope.System))
            .AddSingleton<AgentCertificateAuthority>();
        services.AddDataProtection().SetApplicationName("VzPanel")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(fixture.DataDirectory, "keys")));
        var provider = services.BuildServiceProvider();
        var ca = provider.GetRequiredService<AgentCertificateAuthority>();
        await ca.InitializeAsync(["localhost"], CancellationToken.None);
        return new PanelAgentClients(provider, new AgentChannels(ca));
    }

    public NodeAgent.NodeAgentClient For(Guid nodeId, string address) => _clients.For(nodeId, address);

    /// <summary>What the node reports for every instance it has (NodeAgent.ListInstances).</summary>
    public async Task<IReadOnlyList<InstanceStatus>> ListInstancesAsync(Guid nodeId, string address, CancellationToken ct = default) =>
        (await For(nodeId, address).ListInstancesAsync(new ListInstancesRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct))
        .Instances;

    public async ValueTask DisposeAsync()
    {
        _clients.Dispose();
        await _services.DisposeAsync();
    }
}
