using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using VzPanel.Agent.Engines.Libvirt;
using VzPanel.Agent.Engines.Lxc;
using VzPanel.Agent.Engines.Sim;
using VzPanel.Agent.Hosting;
using VzPanel.Shared;

namespace VzPanel.Agent.Cli;

/// <summary>Options shared by `run` and `enroll`: where the data lives and what the (simulated) node looks like.</summary>
public sealed class CommonOptions
{
    public Option<string> DataDir { get; } = new("--data-dir") { Description = "Agent data directory (credentials, journal, sim state)", DefaultValueFactory = _ => AgentOptions.DefaultDataDirectory };
    public Option<string> Engine { get; } = new("--engine") { Description = "Compute engine", DefaultValueFactory = _ => "sim" };
    public Option<string> Listen { get; } = new("--listen") { Description = "IP:port of the NodeAgent endpoint (port 0 = any free port)", DefaultValueFactory = _ => AgentOptions.DefaultListen };
    public Option<string?> Advertise { get; } = new("--advertise") { Description = "host:port the panel uses to reach this agent" };
    public Option<string?> MigrationListen { get; } = new("--migration-listen") { Description = "IP:port where other nodes send migrated instances (default: the --listen IP, any free port; fix it for firewalls)" };
    public Option<string> SimName { get; } = new("--sim-name") { Description = "Simulated node name", DefaultValueFactory = _ => Environment.MachineName };
    public Option<long> SimRam { get; } = Size("--sim-ram", "Simulated RAM (512M, 16G; plain number = MiB)", "16G");
    public Option<long> SimReserve { get; } = Size("--sim-reserve", "Simulated host reserve, kept out of guarantees", "1G");
    public Option<int> SimCpus { get; } = new("--sim-cpus") { Description = "Simulated CPU count", DefaultValueFactory = _ => 8 };
    public Option<string> SimLatency { get; } = new("--sim-latency") { Description = "zero (load tests) or demo (realistic delays)", DefaultValueFactory = _ => "zero" };
    public Option<double> SimFailRate { get; } = new("--sim-fail-rate") { Description = "Share of operations failing with Unavailable (0.0-1.0)", DefaultValueFactory = _ => 0.0 };
    public Option<int> SimMigrationRate { get; } = new("--sim-migration-mibps") { Description = "Simulated migration bandwidth in MiB/s (0: instant, or 1024 with --sim-latency demo)", DefaultValueFactory = _ => 0 };
    public Option<int?> SimSeed { get; } = new("--sim-seed") { Description = "Seed of the fault dice" };
    public Option<int?> SimCrashAfter { get; } = new("--sim-crash-after") { Description = "Die abruptly when asked for operation N+1" };
    public Option<string[]> SimHang { get; } = new("--sim-hang") { Description = "Operations that never finish until cancelled (start, create, ...)", HelpName = "operation", AllowMultipleArgumentsPerToken = true };

    public Option<string> LibvirtUri { get; } = new("--libvirt-uri") { Description = "libvirt connection (qemu:///system; vz:///system on Virtuozzo)", DefaultValueFactory = _ => "qemu:///system" };
    public Option<string> Accel { get; } = new("--accel") { Description = "VM accelerator: auto (kvm on bare metal, tcg inside a VM), kvm or tcg", DefaultValueFactory = _ => "auto" };
    public Option<string> TemplateDir { get; } = new("--template-dir") { Description = "VM template cache (one folder per template with template.json)", DefaultValueFactory = _ => new LibvirtOptions().TemplateDirectory };
    public Option<string> Pool { get; } = new("--pool") { Description = "libvirt dir storage pool for VM disks", DefaultValueFactory = _ => new LibvirtOptions().PoolName };
    public Option<string> PoolPath { get; } = new("--pool-path") { Description = "Folder of that pool", DefaultValueFactory = _ => new LibvirtOptions().PoolPath };
    public Option<long> HostReserve { get; } = Size("--host-reserve", "Memory kept for the host, out of guarantees (0 = 10% of RAM, at least 1G)", "0");
    public Option<string> VmNetwork { get; } = new("--vm-network") { Description = "VM NIC: none, isolated (tap on no bridge), bridge:NAME or network:NAME", DefaultValueFactory = _ => "none" };
    public Option<int> GuestAgentWait { get; } = new("--guest-agent-wait") { Description = "Seconds a VM start waits for the guest agent", DefaultValueFactory = _ => 60 };
    public Option<string> LxcPath { get; } = new("--lxc-path") { Description = "LXC lxcpath of this agent's containers (its scope)", DefaultValueFactory = _ => new LxcOptions().LxcPath };
    public Option<string> CtPrivate { get; } = new("--ct-private") { Description = "Folder of the containers' root filesystems", DefaultValueFactory = _ => new LxcOptions().PrivatePath };
    public Option<string> CtTemplateDir { get; } = new("--ct-template-dir") { Description = "Container template cache (one folder per template with template.json and rootfs.tar.gz)", DefaultValueFactory = _ => new LxcOptions().TemplateDirectory };
    public Option<string> CtNetwork { get; } = new("--ct-network") { Description = "Container NIC: none (loopback only), isolated (veth on no bridge) or bridge:NAME", DefaultValueFactory = _ => "none" };
    public Option<long> CtSwap { get; } = Size("--ct-swap", "Swap a container may use beyond its memory, where the host has swap", "0");
    public Option<string?> LibvirtMigrationUri { get; } = new("--libvirt-migration-uri") { Description = "libvirt URI other nodes' libvirtd use to migrate VMs here, e.g. qemu+tcp://10.0.5.12/system (default: --libvirt-uri when remote, else qemu+tcp://HOSTNAME/system)" };
    public Option<string> Scope { get; } = new("--scope") { Description = "Tag of the libvirt domains this agent owns (several agents on one libvirtd)", DefaultValueFactory = _ => "default" };

    public CommonOptions()
    {
        SimLatency.AcceptOnlyFromAmong("zero", "demo");
        SimHang.AcceptOnlyFromAmong([.. SimOperation.All]);
        Accel.AcceptOnlyFromAmong("auto", "kvm", "tcg");
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { DataDir, Engine, Listen, Advertise, MigrationListen, SimName, SimRam, SimCpus, SimReserve, SimLatency, SimMigrationRate, SimFailRate, SimSeed, SimCrashAfter, SimHang,
                     LibvirtUri, LibvirtMigrationUri, Accel, TemplateDir, Pool, PoolPath, HostReserve, VmNetwork, GuestAgentWait, Scope, LxcPath, CtPrivate, CtTemplateDir, CtNetwork, CtSwap })
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
            MigrationMibPerSecond = parsed.GetValue(SimMigrationRate),
            Seed = parsed.GetValue(SimSeed),
            CrashAfterOperations = parsed.GetValue(SimCrashAfter),
        };
        foreach (var operation in parsed.GetValue(SimHang) ?? [])
            sim.HangOperations.Add(operation);
        var dataDirectory = Path.GetFullPath(parsed.GetValue(DataDir) ?? AgentOptions.DefaultDataDirectory);
        var network = parsed.GetValue(VmNetwork) ?? "none";
        var libvirt = new LibvirtOptions
        {
            Uri = parsed.GetValue(LibvirtUri) ?? "qemu:///system",
            Accelerator = parsed.GetValue(Accel) ?? "auto",
            TemplateDirectory = Path.GetFullPath(parsed.GetValue(TemplateDir) ?? new LibvirtOptions().TemplateDirectory),
            PoolName = parsed.GetValue(Pool) ?? "vzpanel",
            PoolPath = Path.GetFullPath(parsed.GetValue(PoolPath) ?? new LibvirtOptions().PoolPath),
            LogDirectory = Path.Combine(dataDirectory, "logs"),
            HostReserveMib = parsed.GetValue(HostReserve),
            Network = network == "none" ? "" : network,
            GuestAgentWaitSeconds = parsed.GetValue(GuestAgentWait),
            Scope = parsed.GetValue(Scope) ?? "default",
            MigrationUri = parsed.GetValue(LibvirtMigrationUri) ?? "",
        };
        var ctNetwork = parsed.GetValue(CtNetwork) ?? "none";
        var lxc = new LxcOptions
        {
            LxcPath = Path.GetFullPath(parsed.GetValue(LxcPath) ?? new LxcOptions().LxcPath),
            PrivatePath = Path.GetFullPath(parsed.GetValue(CtPrivate) ?? new LxcOptions().PrivatePath),
            TemplateDirectory = Path.GetFullPath(parsed.GetValue(CtTemplateDir) ?? new LxcOptions().TemplateDirectory),
            HostReserveMib = parsed.GetValue(HostReserve),
            SwapMib = parsed.GetValue(CtSwap),
            Network = ctNetwork == "none" ? "" : ctNetwork,
        };
        return new AgentOptions
        {
            Libvirt = libvirt,
            Lxc = lxc,
            DataDirectory = dataDirectory,
            Engine = parsed.GetValue(Engine) ?? "sim",
            Listen = parsed.GetValue(Listen) ?? AgentOptions.DefaultListen,
            Advertise = parsed.GetValue(Advertise),
            MigrationListen = parsed.GetValue(MigrationListen),
            Sim = sim,
        };
    }

    private static Option<long> Size(string name, string description, string fallback) => new(name)
    {
        Description = description,
        HelpName = "size",
        DefaultValueFactory = _ => MemorySize.TryParse(fallback, out var size, out var _) ? size.MiB : 0,
        CustomParser = result => ParseSize(result, name),
    };

    private static long ParseSize(ArgumentResult result, string name)
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (MemorySize.TryParse(token, out var size, out var why))
            return size.MiB;
        result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: '{token}' is not a size like 512M, 16G or a number of MiB: {why}"));
        return 0;
    }
}
