using System.Text;
using static VzPanel.Agent.Engines.InstanceRules;

namespace VzPanel.Agent.Engines.Lxc;

public sealed partial class LxcComputeEngine
{
    private const string Nic = "eth0";
    private static readonly TimeSpan GuestCall = TimeSpan.FromSeconds(15);

    public async Task<ExecResult> ExecAsync(string instanceId, ExecCommand command, string? operationId, CancellationToken cancellationToken)
    {
        if (command.Argv.Count == 0 || string.IsNullOrEmpty(command.Argv[0]))
            throw Invalid("exec needs a command");
        await EnsureRunningAsync(instanceId);
        var result = await _lxc.AttachAsync(instanceId, command.Argv, command.Timeout, command.Stdin, cancellationToken);
        var stderr = result.Stderr;
        // lxc-attach reports a missing program as its own error; say it the way a shell would.
        if (result.ExitCode == 127 && result.StderrText.Contains("Failed to exec", StringComparison.Ordinal))
            stderr = Encoding.UTF8.GetBytes($"{command.Argv[0]}: command not found\n");
        return new ExecResult(result.ExitCode, result.Stdout, stderr, result.TimedOut);
    }

    public Task<InstanceInfo> SetUserPasswordAsync(string instanceId, string user, string password, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            EnsureUser(user);
            EnsurePassword(password);
            await EnsureRunningAsync(instanceId);
            await ChangePasswordAsync(instanceId, user, password);
            return await SnapshotAsync(instanceId);
        });

    /// <summary>The container's own chpasswd reads the pair on stdin: the password is never an argument and never passes a shell.</summary>
    private async Task ChangePasswordAsync(string instanceId, string user, string password) =>
        await _lxc.AttachCheckedAsync(instanceId, ["chpasswd"], Encoding.UTF8.GetBytes($"{user}:{password}\n"));

    public async Task<GuestNetworkConfig> GetGuestNetworkAsync(string instanceId, CancellationToken cancellationToken)
    {
        var spec = Own(instanceId);
        if (await _lxc.StateAsync(instanceId) != "RUNNING")
            return new GuestNetworkConfig(spec.Hostname, Interfaces(instanceId, spec.Addresses), spec.Gateway, spec.DnsServers);

        var hostname = (await _lxc.AttachCheckedAsync(instanceId, ["hostname"])).Trim();
        var addresses = GuestNetworkText.GlobalAddresses(await _lxc.AttachCheckedAsync(instanceId, ["ip", "-o", "addr", "show"]), Nic);
        var gateway = GuestNetworkText.DefaultGateway(await _lxc.AttachCheckedAsync(instanceId, ["ip", "route", "show"]));
        var resolv = await _lxc.AttachAsync(instanceId, ["cat", "/etc/resolv.conf"], GuestCall, cancellationToken: cancellationToken);
        return new GuestNetworkConfig(hostname, Interfaces(instanceId, addresses), gateway, GuestNetworkText.Nameservers(resolv.StdoutText));
    }

    public Task<InstanceInfo> SetGuestNetworkAsync(string instanceId, GuestNetworkConfig network, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            var spec = Own(instanceId);
            if (network.Interfaces.Count > 1 || network.Interfaces.Any(i => i.Name.Length > 0 && i.Name != Nic))
                throw Invalid($"containers here have one interface, {Nic}");
            var addresses = network.Interfaces.SelectMany(i => i.Addresses).ToList();
            if (_options.Network.Length == 0 && (addresses.Count > 0 || network.Gateway.Length > 0))
                throw Invalid($"node {_options.NodeName} gives containers no network interface (agent option --ct-network); only the hostname and DNS can be set");
            EnsureHostname(network.Hostname);
            addresses.ForEach(EnsureAddress);
            if (network.Gateway.Length > 0)
                EnsureIp(network.Gateway, "gateway");
            foreach (var server in network.DnsServers)
                EnsureIp(server, "DNS server");

            var changed = spec with
            {
                Hostname = network.Hostname,
                Addresses = addresses.Select(WithPrefix).ToList(),
                Gateway = network.Gateway,
                DnsServers = [.. network.DnsServers],
            };
            if (await _lxc.StateAsync(instanceId) == "RUNNING")
            {
                _operations.Progress(instanceId, operationId, 50, "applying the network inside the container");
                await ApplyNetworkLiveAsync(instanceId, changed);
            }
            Save(instanceId, changed);
            return await SnapshotAsync(instanceId);
        });

    public async Task<GuestInfo> GetGuestInfoAsync(string instanceId, CancellationToken cancellationToken)
    {
        var spec = Own(instanceId);
        if (await _lxc.ProbeAsync(instanceId) is not { State: "RUNNING", InitPid: { } pid })
            return new GuestInfo(false, "the container is not running", spec.OsId, "", "", "", 0, 0, GuestTools.AllUnavailable("the container is not running"));
        var release = await _lxc.AttachAsync(instanceId, ["cat", "/etc/os-release"], GuestCall, cancellationToken: cancellationToken);
        var os = GuestNetworkText.OsRelease(release.Succeeded ? release.StdoutText : "");
        var osId = os.GetValueOrDefault("ID", spec.OsId);
        var usedMib = ContainerCgroup.Of(pid).WorkingSetBytes() / MiB;
        return new GuestInfo(true, "", osId, os.GetValueOrDefault("PRETTY_NAME", os.GetValueOrDefault("NAME", spec.Template)),
            os.GetValueOrDefault("VERSION_ID", ""), Host.HostFacts.KernelRelease, spec.MemoryMib, Math.Max(0, spec.MemoryMib - usedMib),
            GuestTools.For(osId));
    }

    private async Task ApplyNetworkLiveAsync(string instanceId, ContainerSpec spec)
    {
        await WriteHostnameAsync(instanceId, spec.Hostname);
        if (_options.Network.Length > 0)
        {
            await _lxc.AttachCheckedAsync(instanceId, ["ip", "addr", "flush", "dev", Nic, "scope", "global"]);
            foreach (var address in spec.Addresses)
                await _lxc.AttachCheckedAsync(instanceId, ["ip", "addr", "add", address, "dev", Nic]);
            await _lxc.AttachAsync(instanceId, ["ip", "route", "del", "default"], GuestCall);
            if (spec.Gateway.Length > 0)
                await _lxc.AttachCheckedAsync(instanceId, ["ip", "route", "add", "default", "via", spec.Gateway, "dev", Nic]);
        }
        await WriteResolvConfAsync(instanceId, spec.DnsServers);
    }

    private async Task WriteResolvConfAsync(string instanceId, IReadOnlyList<string> servers) =>
        await _lxc.AttachCheckedAsync(instanceId, ["tee", "/etc/resolv.conf"],
            Encoding.UTF8.GetBytes(string.Concat(servers.Select(s => $"nameserver {s}\n"))));

    private IReadOnlyList<GuestInterfaceConfig> Interfaces(string instanceId, IReadOnlyList<string> addresses) =>
        _options.Network.Length == 0 ? [] : [new GuestInterfaceConfig(Nic, LxcConfig.Mac(instanceId), addresses)];

    private async Task EnsureRunningAsync(string instanceId)
    {
        Own(instanceId);
        var state = await StateAsync(instanceId);
        if (state != InstanceState.Running)
            throw EngineException.WrongState(state);
    }
}
