using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using VzPanel.Agent.Engines.Sim;
using VzPanel.Agent.Hosting;

namespace VzPanel.Agent.Cli;

/// <summary>Options shared by `run` and `enroll`: where the data lives and what the (simulated) node looks like.</summary>
public sealed class CommonOptions
{
    public Option<string> DataDir { get; } = new("--data-dir") { Description = "Agent data directory (credentials, journal, sim state)", DefaultValueFactory = _ => AgentOptions.DefaultDataDirectory };
    public Option<string> Engine { get; } = new("--engine") { Description = "Compute engine", DefaultValueFactory = _ => "sim" };
    public Option<string> Listen { get; } = new("--listen") { Description = "IP:port of the NodeAgent endpoint (port 0 = any free port)", DefaultValueFactory = _ => AgentOptions.DefaultListen };
    public Option<string?> Advertise { get; } = new("--advertise") { Description = "host:port the panel uses to reach this agent" };
    public Option<string> SimName { get; } = new("--sim-name") { Description = "Simulated node name", DefaultValueFactory = _ => Environment.MachineName };
    public Option<long> SimRam { get; } = Size("--sim-ram", "Simulated RAM (512M, 16G; plain number = MiB)", "16G");
    public Option<long> SimReserve { get; } = Size("--sim-reserve", "Simulated host reserve, kept out of guarantees", "1G");
    public Option<int> SimCpus { get; } = new("--sim-cpus") { Description = "Simulated CPU count", DefaultValueFactory = _ => 8 };
    public Option<string> SimLatency { get; } = new("--sim-latency") { Description = "zero (load tests) or demo (realistic delays)", DefaultValueFactory = _ => "zero" };
    public Option<double> SimFailRate { get; } = new("--sim-fail-rate") { Description = "Share of operations failing with Unavailable (0.0-1.0)", DefaultValueFactory = _ => 0.0 };
    public Option<int?> SimSeed { get; } = new("--sim-seed") { Description = "Seed of the fault dice" };
    public Option<int?> SimCrashAfter { get; } = new("--sim-crash-after") { Description = "Die abruptly when asked for operation N+1" };
    public Option<string[]> SimHang { get; } = new("--sim-hang") { Description = "Operations that never finish until cancelled (start, create, ...)", HelpName = "operation", AllowMultipleArgumentsPerToken = true };

    public CommonOptions()
    {
        SimLatency.AcceptOnlyFromAmong("zero", "demo");
        SimHang.AcceptOnlyFromAmong([.. SimOperation.All]);
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { DataDir, Engine, Listen, Advertise, SimName, SimRam, SimCpus, SimReserve, SimLatency, SimFailRate, SimSeed, SimCrashAfter, SimHang })
            command.Add(option);
    }

    public AgentOptions ToAgentOptions(ParseResult parsed)
    {
        var sim = new SimOptions
        {
            NodeName = parsed.GetValue(SimName) ?? Environment.MachineName,
            RamMib = parsed.GetValue(SimRam),
            CpuCount = parsed.GetValue(SimCpus),
            HostReserveMib = parsed.GetValue(SimReserve),
            Latency = parsed.GetValue(SimLatency) == "demo" ? SimLatencyProfile.Demo : SimLatencyProfile.Zero,
            FailRate = parsed.GetValue(SimFailRate),
            Seed = parsed.GetValue(SimSeed),
            CrashAfterOperations = parsed.GetValue(SimCrashAfter),
        };
        foreach (var operation in parsed.GetValue(SimHang) ?? [])
            sim.HangOperations.Add(operation);
        return new AgentOptions
        {
            DataDirectory = Path.GetFullPath(parsed.GetValue(DataDir) ?? AgentOptions.DefaultDataDirectory),
            Engine = parsed.GetValue(Engine) ?? "sim",
            Listen = parsed.GetValue(Listen) ?? AgentOptions.DefaultListen,
            Advertise = parsed.GetValue(Advertise),
            Sim = sim,
        };
    }

    private static Option<long> Size(string name, string description, string fallback) => new(name)
    {
        Description = description,
        HelpName = "size",
        DefaultValueFactory = _ => MemorySize.TryParseMib(fallback, out var mib) ? mib : 0,
        CustomParser = result => ParseSize(result, name),
    };

    private static long ParseSize(ArgumentResult result, string name)
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (MemorySize.TryParseMib(token, out var mib))
            return mib;
        result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: '{token}' is not a size like 512M, 16G or a number of MiB"));
        return 0;
    }
}
