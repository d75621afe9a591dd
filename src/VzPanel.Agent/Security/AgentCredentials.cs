using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization;

namespace VzPanel.Agent.Security;

/// <summary>node.json: who this node is to the panel, and where the panel lives.</summary>
public sealed record NodeIdentity(
    [property: JsonPropertyName("nodeId")] string NodeId,
    [property: JsonPropertyName("nodeName")] string NodeName,
    [property: JsonPropertyName("panelUrl")] string PanelUrl,
    [property: JsonPropertyName("heartbeatIntervalSeconds")] int HeartbeatIntervalSeconds,
    [property: JsonPropertyName("agentAddress")] string? AgentAddress = null);

/// <summary>The node's certificate (with its private key), the panel CA, and the node identity.</summary>
public sealed class AgentCredentials(X509Certificate2 nodeCertificate, X509Certificate2 caCertificate, NodeIdentity identity) : IDisposable
{
    public X509Certificate2 NodeCertificate { get; } = nodeCertificate;
    public X509Certificate2 CaCertificate { get; } = caCertificate;
    public NodeIdentity Identity { get; } = identity;

    public void Dispose()
    {
        NodeCertificate.Dispose();
        CaCertificate.Dispose();
    }
}
