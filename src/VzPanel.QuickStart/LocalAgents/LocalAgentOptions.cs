namespace VzPanel.QuickStart.LocalAgents;

/// <summary>
/// The nodes the quick start runs next to the panel, so a new user sees a living fleet: simulated nodes, plus
/// one real VM node on this machine's libvirt and one real container node on its LXC when they are usable.
/// </summary>
public sealed class LocalAgentOptions
{
    public const string Section = "Panel:LocalAgents";

    /// <summary>How many sim agents to run (at most three). Default: three with the embedded database, else none.</summary>
    public int? Count { get; init; }

    /// <summary>The agent program (vzpanel-agent.dll); found next to the panel (artifacts/agent) or in the source tree's build output when unset.</summary>
    public string? AgentPath { get; init; }

    /// <summary>First port of the agents' endpoints on 127.0.0.1 (sim-1 gets it, sim-2 the next, ...).</summary>
    public int FirstPort { get; init; } = 7451;

    /// <summary>
    /// The real VM node vm-1 (libvirt engine, on the port after the sim agents'): auto runs it next to the sim
    /// agents when the panel uses its embedded database and libvirt and the VM template vzpanel-test-guest are on
    /// this machine; off never does.
    /// </summary>
    public LocalNodeMode Libvirt { get; init; } = LocalNodeMode.Auto;

    /// <summary>
    /// The real container node ct-1 (LXC engine, on the port after vm-1's): auto runs it when the panel uses its
    /// embedded database, runs as root, and LXC and the container template busybox-x86_64 are on this machine.
    /// </summary>
    public LocalNodeMode Lxc { get; init; } = LocalNodeMode.Auto;
}

public enum LocalNodeMode
{
    Auto,
    Off,
}

/// <summary>One simulated node: sized differently so placement and the dashboard have something to show.</summary>
internal sealed record LocalAgentSpec(string Name, string Ram, int Cpus, string Reserve)
{
    /// <summary>Engine options for enroll and run: a sim node of this size with realistic delays.</summary>
    public IReadOnlyList<string> EngineArguments =>
    [
        "--engine", "sim", "--sim-name", Name, "--sim-ram", Ram, "--sim-cpus", Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--sim-reserve", Reserve, "--sim-latency", "demo",
    ];

    public static readonly LocalAgentSpec[] Fleet =
    [
        new("sim-1", "16G", 8, "1G"),
        new("sim-2", "32G", 16, "2G"),
        new("sim-3", "8G", 4, "512M"),
    ];
}
