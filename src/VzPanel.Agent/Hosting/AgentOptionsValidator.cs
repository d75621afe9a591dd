using System.Net;
using Microsoft.Extensions.Options;

namespace VzPanel.Agent.Hosting;

/// <summary>Checked at start (ValidateOnStart) and by the CLI before anything runs.</summary>
public sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public static readonly IReadOnlyList<string> Engines = ["sim", "libvirt", "lxc"];

    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
            failures.Add("--data-dir is empty");
        if (!IPEndPoint.TryParse(options.Listen, out var listen) || (listen.Port == 0 && !options.Listen.EndsWith(":0", StringComparison.Ordinal)))
            failures.Add($"--listen '{options.Listen}' is not an IP:port (e.g. 127.0.0.1:7443)");
        if (options.MigrationListen is { } migration && !IPEndPoint.TryParse(migration, out _))
            failures.Add($"--migration-listen '{migration}' is not an IP:port (e.g. 10.0.0.5:7444)");
        if (!Engines.Contains(options.Engine))
            failures.Add($"--engine '{options.Engine}' is not available in this build (available: {string.Join(", ", Engines)})");
        if (options.HeartbeatSeconds is < 1 or > 3600)
            failures.Add($"--heartbeat-seconds {options.HeartbeatSeconds} is outside 1–3600");

        var sim = options.Sim;
        if (sim.RamMib < 256)
            failures.Add($"--sim-ram {sim.RamMib} MiB is below 256 MiB");
        if (sim.CpuCount is < 1 or > 1024)
            failures.Add($"--sim-cpus {sim.CpuCount} is outside 1–1024");
        if (sim.HostReserveMib < 0 || sim.HostReserveMib >= sim.RamMib)
            failures.Add($"--sim-reserve {sim.HostReserveMib} MiB must be at least 0 and below the RAM ({sim.RamMib} MiB)");
        if (sim.FailRate is < 0 or > 1 || double.IsNaN(sim.FailRate))
            failures.Add($"--sim-fail-rate {sim.FailRate} is outside 0.0–1.0");
        if (sim.MigrationMibPerSecond < 0)
            failures.Add($"--sim-migration-mibps {sim.MigrationMibPerSecond} is negative");
        if (sim.CrashAfterOperations is < 0)
            failures.Add("--sim-crash-after is negative");
        var libvirt = options.Libvirt;
        if (libvirt.HostReserveMib < 0)
            failures.Add($"--host-reserve {libvirt.HostReserveMib} MiB is negative");
        if (libvirt.GuestAgentWaitSeconds is < 0 or > 3600)
            failures.Add($"--guest-agent-wait {libvirt.GuestAgentWaitSeconds} is outside 0–3600 seconds");
        if (libvirt.Network.Length > 0 && libvirt.Network != "isolated" && !libvirt.Network.StartsWith("bridge:", StringComparison.Ordinal)
            && !libvirt.Network.StartsWith("network:", StringComparison.Ordinal))
            failures.Add($"--vm-network '{libvirt.Network}' is not none, isolated, bridge:NAME or network:NAME");
        var lxc = options.Lxc;
        if (lxc.Network.Length > 0 && lxc.Network != "isolated" && !lxc.Network.StartsWith("bridge:", StringComparison.Ordinal))
            failures.Add($"--ct-network '{lxc.Network}' is not none, isolated or bridge:NAME");
        if (lxc.SwapMib < 0)
            failures.Add($"--ct-swap {lxc.SwapMib} MiB is negative");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
