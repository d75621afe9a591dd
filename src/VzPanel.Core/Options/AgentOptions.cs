using System.ComponentModel.DataAnnotations;

namespace VzPanel.Core.Options;

/// <summary>The panel's side of the agent channel: where agents connect and how often they report.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agents";

    /// <summary>Address the agent endpoint (gRPC, mutual TLS) listens on.</summary>
    [Required]
    public string Listen { get; init; } = "127.0.0.1:5081";

    /// <summary>The URL agents are told to enroll with; defaults to https://{Listen}.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>Extra host names or addresses the endpoint's certificate must cover (besides localhost and this host).</summary>
    public string[] ServerNames { get; init; } = [];

    [Range(1, 3600)]
    public int HeartbeatIntervalSeconds { get; init; } = 5;

    /// <summary>A node with no heartbeat for this long is Offline. Default: three missed heartbeats.</summary>
    [Range(2, 86400)]
    public int OfflineAfterSeconds { get; init; } = 15;

    [Range(1, 10080)]
    public int JoinTokenLifetimeMinutes { get; init; } = 60;

    /// <summary>
    /// How long a read from a node's agent may take (a page's counters, the volumes after a create, whether a step already
    /// happened). Changes have their own limits under <c>Jobs</c>.
    /// </summary>
    [Range(1, 600)]
    public int ReadTimeoutSeconds { get; init; } = 10;

    public string EffectivePublicUrl => PublicUrl ?? $"https://{Listen}";
}
