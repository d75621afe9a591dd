namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>How the libvirt engine reaches libvirtd and lays out its VMs (`vzpanel-agent run --engine libvirt`).</summary>
public sealed class LibvirtOptions
{
    /// <summary>qemu:///system on KVM nodes; vz:///system on Virtuozzo nodes.</summary>
    public string Uri { get; set; } = "qemu:///system";

    /// <summary>auto, kvm or tcg. auto picks kvm on bare metal with /dev/kvm, tcg inside a VM (nested KVM is unreliable).</summary>
    public string Accelerator { get; set; } = "auto";

    /// <summary>The node's VM template cache: one folder per template with a template.json.</summary>
    public string TemplateDirectory { get; set; } = "/var/lib/vzpanel-agent/templates/vm";

    public string PoolName { get; set; } = "vzpanel";
    public string PoolPath { get; set; } = "/var/lib/vzpanel-agent/images";

    /// <summary>Serial console logs of the VMs (written by virtlogd).</summary>
    public string LogDirectory { get; set; } = "/var/log/vzpanel-agent";

    /// <summary>Memory kept for the host; 0 = 10% of RAM, at least 1 GiB.</summary>
    public long HostReserveMib { get; set; }

    /// <summary>DIMM slots per VM for memory hotplug.</summary>
    public int MemorySlots { get; set; } = 16;

    /// <summary>Upper bound of hotplug per VM; 0 = the node's RAM.</summary>
    public long MaxMemoryMib { get; set; }

    /// <summary>How long a start waits for the guest agent before reporting the VM running without it.</summary>
    public int GuestAgentWaitSeconds { get; set; } = 60;

    /// <summary>"" (no NIC), "isolated" (a tap on no bridge), "bridge:NAME" or "network:NAME".</summary>
    public string Network { get; set; } = "";

    /// <summary>Which domains are this agent's: several agents (or test runs) can share one libvirtd.</summary>
    public string Scope { get; set; } = "default";

    /// <summary>The node name reported to the panel; defaults to the host name.</summary>
    public string NodeName { get; set; } = Environment.MachineName;

    /// <summary>
    /// Where other nodes' libvirtd reach this node's libvirtd to migrate VMs in (peer to peer), e.g.
    /// qemu+tcp://10.0.5.12/system on a private migration network. Its host is also where QEMU takes the memory
    /// stream and the disk copy (tcp://HOST). Empty: <see cref="Uri"/> when that names a remote host, otherwise
    /// qemu+tcp://<i>host name</i>/system.
    /// </summary>
    public string MigrationUri { get; set; } = "";

    /// <summary><see cref="MigrationUri"/>, or what it defaults to.</summary>
    public string EffectiveMigrationUri()
    {
        if (!string.IsNullOrWhiteSpace(MigrationUri))
            return MigrationUri;
        return System.Uri.TryCreate(Uri, UriKind.Absolute, out var own) && own.Host.Length > 0
            ? Uri
            : $"qemu+tcp://{System.Net.Dns.GetHostName()}/system";
    }
}
