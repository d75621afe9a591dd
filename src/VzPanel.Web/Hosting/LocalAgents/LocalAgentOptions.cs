namespace VzPanel.Web.Hosting.LocalAgents;

/// <summary>Simulated nodes the quick start runs next to the panel, so a new user sees a living fleet.</summary>
public sealed class LocalAgentOptions
{
    public const string Section = "Panel:LocalAgents";

    /// <summary>How many sim agents to run (at most three). Default: three with the embedded database, else none.</summary>
    public int? Count { get; init; }

    /// <summary>VzPanel.Agent.dll; found next to the panel (artifacts/agent) or in the source tree's build output when unset.</summary>
    public string? AgentPath { get; init; }

    /// <summary>First port of the agents' endpoints on 127.0.0.1 (sim-1 gets it, sim-2 the next, ...).</summary>
    public int FirstPort { get; init; } = 7451;
}

/// <summary>One simulated node: sized differently so placement and the dashboard have something to show.</summary>
internal sealed record LocalAgentSpec(string Name, string Ram, int Cpus, string Reserve)
{
    public static readonly LocalAgentSpec[] Fleet =
    [
        new("sim-1", "16G", 8, "1G"),
        new("sim-2", "32G", 16, "2G"),
        new("sim-3", "8G", 4, "512M"),
    ];
}
