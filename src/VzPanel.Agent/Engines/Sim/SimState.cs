namespace VzPanel.Agent.Engines.Sim;

/// <summary>Everything the simulated node remembers across agent restarts (state.json).</summary>
public sealed class SimState
{
    public List<SimInstance> Instances { get; set; } = [];
    public List<SimVolume> Volumes { get; set; } = [];

    /// <summary>Migrations this node is the target of: prepared, then filled by the source's transfer.</summary>
    public List<SimIncoming> Incoming { get; set; } = [];
    public long KsmFullScans { get; set; }
}

public sealed class SimInstance
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public InstanceKind Kind { get; set; }
    public string Template { get; set; } = "";
    public long MemoryMib { get; set; }
    public int GuaranteePercent { get; set; }
    public int VCpus { get; set; }
    public int CpuLimitPercent { get; set; }
    public long DiskGib { get; set; }
    public string Hostname { get; set; } = "";
    public List<string> IpAddresses { get; set; } = [];
    public string Gateway { get; set; } = "";
    public List<string> DnsServers { get; set; } = [];
    public InstanceState State { get; set; }
    public long PhysPagesMaxHeld { get; set; }
    public long PhysPagesFailCount { get; set; }

    /// <summary>Came here by a migration; only such a copy may an abort of the target remove.</summary>
    public bool ArrivedByMigration { get; set; }

    /// <summary>Only when each user's password was last set; the password itself is never kept.</summary>
    public Dictionary<string, DateTimeOffset> PasswordSetAt { get; set; } = [];
}

public sealed class SimVolume
{
    public string Name { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public long CapacityBytes { get; set; }
    public long AllocationBytes { get; set; }
    public string BackingVolume { get; set; } = "";
}

public sealed class SimIncoming
{
    public string Id { get; set; } = "";
    public bool WillRun { get; set; }

    /// <summary>The instance as the source sent it; null until the transfer arrived.</summary>
    public SimInstance? Received { get; set; }
    public SimVolume? Volume { get; set; }
}
