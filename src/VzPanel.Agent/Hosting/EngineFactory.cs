using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Libvirt;
using VzPanel.Agent.Engines.Lxc;
using VzPanel.Agent.Engines.Sim;

namespace VzPanel.Agent.Hosting;

/// <summary>Picks the engine named by --engine: sim, libvirt or lxc; prlctl plugs in here.</summary>
public static class EngineFactory
{
    public static IComputeEngine Create(AgentOptions options, ILoggerFactory loggers)
    {
        options.Sim.StateDirectory = options.SimDirectory;
        return options.Engine switch
        {
            // The crash fault must look like a real crash to the panel: no graceful shutdown, no flushing.
            "sim" => new SimComputeEngine(options.Sim, () => Environment.FailFast("vzpanel-agent: simulated crash (--sim-crash-after)")),
            "libvirt" => new LibvirtComputeEngine(options.Libvirt, loggers.CreateLogger<LibvirtComputeEngine>()),
            "lxc" => new LxcComputeEngine(options.Lxc, loggers.CreateLogger<LxcComputeEngine>()),
            _ => throw new InvalidOperationException($"engine '{options.Engine}' is not available in this build"),
        };
    }
}
