namespace VzPanel.Agent.Engines.Lxc;

/// <summary>How the LXC engine lays out its containers (`vzpanel-agent run --engine lxc`).</summary>
public sealed class LxcOptions
{
    /// <summary>LXC's lxcpath: one folder per container with its config. Everything in it is this agent's.</summary>
    public string LxcPath { get; set; } = "/var/lib/vzpanel-agent/containers";

    /// <summary>Where the containers' root filesystems live (Virtuozzo's /vz/private): one folder per container.</summary>
    public string PrivatePath { get; set; } = "/var/lib/vzpanel-agent/private";

    /// <summary>The node's container template cache: one folder per template with template.json and rootfs.tar.gz.</summary>
    public string TemplateDirectory { get; set; } = "/var/lib/vzpanel-agent/templates/ct";

    /// <summary>The storage pool name the panel sees for <see cref="PrivatePath"/>.</summary>
    public string PoolName { get; set; } = "vzpanel-ct";

    /// <summary>Memory kept for the host; 0 = 10% of RAM, at least 1 GiB.</summary>
    public long HostReserveMib { get; set; }

    /// <summary>Swap a container may use on top of its memory, where the host has swap and swap accounting.</summary>
    public long SwapMib { get; set; }

    /// <summary>"" (loopback only), "isolated" (a veth whose host end joins no bridge) or "bridge:NAME".</summary>
    public string Network { get; set; } = "";

    /// <summary>How long a start waits for the container to be running.</summary>
    public int StartTimeoutSeconds { get; set; } = 30;

    /// <summary>The node name reported to the panel; defaults to the host name.</summary>
    public string NodeName { get; set; } = Environment.MachineName;
}
