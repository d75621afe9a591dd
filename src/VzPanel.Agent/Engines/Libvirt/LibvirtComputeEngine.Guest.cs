using System.Text;
using System.Text.Json.Nodes;

namespace VzPanel.Agent.Engines.Libvirt;

/// <summary>
/// Guest tools through the QEMU guest agent. Network settings are applied with the guest's own `ip`
/// and `hostname` (argument lists through guest-exec, never a shell line) plus /etc/hostname and
/// /etc/resolv.conf written with guest-file-*; they are kept in the domain metadata and applied again at
/// every boot, so a guest without persistent network configuration keeps them too.
/// </summary>
public sealed partial class LibvirtComputeEngine
{
    private static readonly TimeSpan GuestCommandTimeout = TimeSpan.FromSeconds(10);

    public Task<ExecResult> ExecAsync(string instanceId, ExecCommand command, string? operationId, CancellationToken cancellationToken)
    {
        if (command.Argv.Count == 0 || string.IsNullOrEmpty(command.Argv[0]))
            throw new EngineException(EngineErrorCode.InvalidArgument, "the command is empty");
        return BlockingAsync(() => RunningAgent(instanceId).ExecAsync(command, cancellationToken));
    }

    public Task<InstanceInfo> SetUserPasswordAsync(string instanceId, string user, string password, string operationId, CancellationToken cancellationToken) =>
        Operate(instanceId, operationId, () =>
        {
            if (string.IsNullOrWhiteSpace(user))
                throw new EngineException(EngineErrorCode.InvalidArgument, "user is empty");
            if (string.IsNullOrEmpty(password))
                throw new EngineException(EngineErrorCode.InvalidArgument, "password is empty");
            RunningAgent(instanceId).SetPassword(user, password);
            return Snapshot(instanceId);
        });

    public Task<GuestNetworkConfig> GetGuestNetworkAsync(string instanceId, CancellationToken cancellationToken) => Blocking(() =>
    {
        var (listing, facts) = Own(instanceId);
        var metadata = facts.Metadata!;
        if (StateOf(listing) != InstanceState.Running)
            return new GuestNetworkConfig(metadata.Hostname, [new GuestInterfaceConfig("eth0", "", metadata.Addresses)], metadata.Gateway, metadata.DnsServers);
        var agent = Agent(instanceId, facts);
        var hostname = agent.Call("guest-get-host-name", null)?["host-name"]?.GetValue<string>() ?? metadata.Hostname;
        var interfaces = agent.Interfaces().OfType<JsonObject>()
            .Where(n => n["name"]?.GetValue<string>() is { } name && name != "lo")
            .Select(n => new GuestInterfaceConfig(
                n["name"]!.GetValue<string>(),
                n["hardware-address"]?.GetValue<string>() ?? "",
                (n["ip-addresses"] as JsonArray ?? []).OfType<JsonObject>()
                    .Where(a => a["ip-address-type"]?.GetValue<string>() == "ipv4")
                    .Select(a => $"{a["ip-address"]!.GetValue<string>()}/{a["prefix"]!.GetValue<int>()}").ToList()))
            .ToList();
        // The guest agent has no call for routes or resolvers: these are what the panel configured.
        return new GuestNetworkConfig(hostname, interfaces, metadata.Gateway, metadata.DnsServers);
    });

    public Task<InstanceInfo> SetGuestNetworkAsync(string instanceId, GuestNetworkConfig network, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            var (listing, facts) = Own(instanceId);
            if (StateOf(listing) != InstanceState.Running)
                throw EngineException.WrongState(StateOf(listing));
            var metadata = facts.Metadata!;
            var updated = metadata with
            {
                Hostname = string.IsNullOrWhiteSpace(network.Hostname) ? metadata.Hostname : network.Hostname,
                Addresses = network.Interfaces.SelectMany(i => i.Addresses).Select(WithPrefix).ToList(),
                Gateway = network.Gateway,
                DnsServers = network.DnsServers.ToList(),
            };
            await ApplyNetworkAsync(Agent(instanceId, facts), updated, network.Interfaces.Count > 0 ? network.Interfaces[0].Name : null, cancellationToken);
            WriteMetadata(instanceId, updated, live: true);
            return Snapshot(instanceId);
        });

    public Task<GuestInfo> GetGuestInfoAsync(string instanceId, CancellationToken cancellationToken) => Blocking(() =>
    {
        var (listing, facts) = Own(instanceId);
        var state = StateOf(listing);
        if (state != InstanceState.Running)
            return Unavailable($"the VM is {state.ToString().ToLowerInvariant()}");
        var agent = Agent(instanceId, facts);
        try
        {
            var os = agent.OsInfo();
            var (total, available) = agent.MemInfo();
            string Text(string key) => os[key]?.GetValue<string>() ?? "";
            var osId = Text("id");
            return new GuestInfo(true, "", osId, Text("pretty-name") is { Length: > 0 } pretty ? pretty : Text("name"), Text("version-id"),
                Text("kernel-release"), total, available, GuestTools.For(osId));
        }
        catch (EngineException failure) when (failure.Code is EngineErrorCode.Unavailable or EngineErrorCode.WrongState)
        {
            return Unavailable(failure.Message);
        }
    });

    private static GuestInfo Unavailable(string reason) => new(false, reason, "", "", "", "", 0, 0, GuestTools.AllUnavailable(reason));

    private GuestAgent RunningAgent(string instanceId)
    {
        var (listing, facts) = Own(instanceId);
        var state = StateOf(listing);
        if (state != InstanceState.Running)
            throw EngineException.WrongState(state);
        return Agent(instanceId, facts);
    }

    /// <summary>At boot: hostname, addresses and a root password waiting since create reach the guest.</summary>
    private void ApplyGuestConfig(string instanceId, DomainFacts facts)
    {
        var agent = Agent(instanceId, facts);
        try
        {
            ApplyNetworkAsync(agent, facts.Metadata!, null, CancellationToken.None).GetAwaiter().GetResult();
            if (_pendingRootPasswords.TryRemove(instanceId, out var password))
                agent.SetPassword("root", password);
        }
        catch (EngineException failure)
        {
            // The VM runs; its guest configuration can be applied again from the panel.
            _logger.LogWarning("guest configuration of {Instance} not applied: {Reason}", instanceId, failure.Message);
        }
    }

    private static async Task ApplyNetworkAsync(GuestAgent agent, VmMetadata network, string? interfaceName, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(network.Hostname))
        {
            await RunAsync(agent, ["hostname", network.Hostname], cancellationToken);
            agent.WriteFile("/etc/hostname", network.Hostname + "\n");
        }
        if (network.DnsServers.Count > 0)
            agent.WriteFile("/etc/resolv.conf", string.Concat(network.DnsServers.Select(d => $"nameserver {d}\n")));
        if (network.Addresses.Count == 0)
            return;

        var nics = agent.Interfaces().OfType<JsonObject>().Select(n => n["name"]?.GetValue<string>() ?? "").Where(n => n is not ("" or "lo")).ToList();
        var nic = interfaceName is { Length: > 0 } ? interfaceName : nics.FirstOrDefault();
        if (nic is null || !nics.Contains(nic))
            throw new EngineException(EngineErrorCode.InvalidArgument,
                $"the guest has no network interface {interfaceName ?? ""} to configure (it has: {string.Join(", ", nics.DefaultIfEmpty("none"))})");
        await RunAsync(agent, ["ip", "link", "set", nic, "up"], cancellationToken);
        await RunAsync(agent, ["ip", "-4", "addr", "flush", "dev", nic], cancellationToken);
        foreach (var address in network.Addresses)
            await RunAsync(agent, ["ip", "addr", "add", address, "dev", nic], cancellationToken);
        if (!string.IsNullOrWhiteSpace(network.Gateway))
            await RunAsync(agent, ["ip", "route", "replace", "default", "via", network.Gateway, "dev", nic], cancellationToken);
    }

    private static async Task RunAsync(GuestAgent agent, string[] argv, CancellationToken cancellationToken)
    {
        var result = await agent.ExecAsync(new ExecCommand(argv, GuestCommandTimeout), cancellationToken);
        if (result.ExitCode != 0)
            throw new EngineException(EngineErrorCode.InvalidArgument,
                $"{string.Join(' ', argv)} failed in the guest (exit {result.ExitCode}): {Encoding.UTF8.GetString(result.Stderr).Trim()}");
    }
}
