namespace VzPanel.Agent.Engines.Sim;

/// <summary>Sizing, timing and fault knobs of the simulated node (CLI: --sim-*).</summary>
public sealed class SimOptions
{
    /// <summary>Shown in NodeInfo.hostname and in refusal messages ("node sim-2: ...").</summary>
    public string NodeName { get; set; } = "sim-1";
    public long RamMib { get; set; } = 16 * 1024;
    public int CpuCount { get; set; } = 8;
    public long HostReserveMib { get; set; } = 1024;
    public long PoolCapacityGib { get; set; } = 500;

    /// <summary>Where state.json lives; the agent passes &lt;data dir&gt;/sim.</summary>
    public string StateDirectory { get; set; } = "";

    public SimLatencyProfile Latency { get; set; } = SimLatencyProfile.Zero;

    /// <summary>Simulated migration bandwidth; 0 means as fast as the channel goes (the demo profile uses 1 GiB/s).</summary>
    public int MigrationMibPerSecond { get; set; }

    /// <summary>Share of operations (mutating or exec) that fail with Unavailable (0.0–1.0), before doing anything.</summary>
    public double FailRate { get; set; }

    /// <summary>Seed of the fault dice, so a failing run can be replayed.</summary>
    public int? Seed { get; set; }

    /// <summary>When set, the (N+1)th operation (mutating or exec) kills the agent before it does anything.</summary>
    public int? CrashAfterOperations { get; set; }

    /// <summary>Operation names ("start", "create", ...) that never finish until cancelled.</summary>
    public ISet<string> HangOperations { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
}

public enum SimLatencyProfile { Zero, Demo }
