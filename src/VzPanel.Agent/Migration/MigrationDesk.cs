using VzPanel.Agent.Engines.Migration;
using VzPanel.Agent.Hosting;
using VzPanel.Agent.Security;

namespace VzPanel.Agent.Migration;

/// <summary>What the gRPC service needs for migration beyond the engine: tickets, the listener's address, running transfers.</summary>
public sealed class MigrationDesk(MigrationTickets tickets, MigrationListener listener, OutgoingMigrations outgoing, AgentCredentials credentials,
    AgentEndpoint endpoint)
{
    public OutgoingMigrations Outgoing => outgoing;

    /// <summary>This node's half of a MigrationTarget: who it is, where to send, and a fresh ticket.</summary>
    public async Task<(string NodeId, string Address, string Ticket, DateTimeOffset ExpiresAt)> TargetAsync(string instanceId, CancellationToken ct)
    {
        var (ticket, expires) = tickets.Issue(instanceId);
        return (credentials.Identity.NodeId, await listener.AdvertisedAsync(endpoint.AdvertisedAddress, ct), ticket, expires);
    }

    public IMigrationTransport SenderTo(string address, string targetNodeId, string instanceId, string ticket) =>
        new MigrationSender(address, targetNodeId, instanceId, ticket, credentials.CaCertificate);
}
