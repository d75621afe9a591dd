using System.Net;
using VzPanel.Agent.Engines.Libvirt;
using VzPanel.Agent.Engines.Lxc;
using VzPanel.Agent.Engines.Sim;

namespace VzPanel.Agent.Hosting;

/// <summary>Everything `vzpanel-agent run` is told on its command line.</summary>
public sealed class AgentOptions
{
    public const string DefaultDataDirectory = "/var/lib/vzpanel-agent";
    public const string DefaultListen = "127.0.0.1:7443";

    public string DataDirectory { get; set; } = DefaultDataDirectory;

    /// <summary>host:port for the NodeAgent endpoint; port 0 picks a free port (tests).</summary>
    public string Listen { get; set; } = DefaultListen;

    /// <summary>host:port the panel should use to reach this agent; defaults to the enrolled one, else the bound address.</summary>
    public string? Advertise { get; set; }

    /// <summary>IP:port where sources send instances to this node; default: the listen IP and any free port (the target tells the source which).</summary>
    public string? MigrationListen { get; set; }

    public string Engine { get; set; } = "sim";

    /// <summary>When set, wins over node.json and over the panel's reply.</summary>
    public int? HeartbeatSeconds { get; set; }

    public SimOptions Sim { get; set; } = new();

    public LibvirtOptions Libvirt { get; set; } = new();

    public LxcOptions Lxc { get; set; } = new();

    public string JournalDirectory => Path.Combine(DataDirectory, "journal");
    public string SimDirectory => Path.Combine(DataDirectory, "sim");

    public IPEndPoint ListenEndPoint => IPEndPoint.Parse(Listen);

    public IPEndPoint MigrationEndPoint => MigrationListen is { } given ? IPEndPoint.Parse(given) : new IPEndPoint(ListenEndPoint.Address, 0);
}
