using System.Security.Cryptography;
using System.Text;

namespace VzPanel.Agent.Engines.Sim;

public sealed partial class SimComputeEngine
{
    public Task<ExecResult> ExecAsync(string instanceId, ExecCommand command, string? operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.Exec, instanceId, operationId, async () =>
        {
            SimInstance guest;
            lock (_gate)
            {
                var instance = Find(instanceId);
                if (instance.State != InstanceState.Running)
                    throw EngineException.WrongState(instance.State);
                guest = Copy(instance);
            }
            await SimLatencies.WaitAsync(_options.Latency, SimOperation.Exec, cancellationToken);
            return await SimExec.RunAsync(guest, command, cancellationToken);
        }, cancellationToken);

    public Task<InstanceInfo> SetUserPasswordAsync(string instanceId, string user, string password, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.SetPassword, instanceId, operationId, async () =>
        {
            if (string.IsNullOrWhiteSpace(user))
                throw new EngineException(EngineErrorCode.InvalidArgument, "user is empty");
            if (string.IsNullOrEmpty(password))
                throw new EngineException(EngineErrorCode.InvalidArgument, "password is empty");
            lock (_gate)
                EnsureGuestReachable(Find(instanceId));
            await SimLatencies.WaitAsync(_options.Latency, SimOperation.SetPassword, cancellationToken);
            // Only the moment is kept: the sim has no guest to hand the password to.
            return Mutate(instanceId, i => i.PasswordSetAt[user] = DateTimeOffset.UtcNow);
        }, cancellationToken);

    public Task<GuestNetworkConfig> GetGuestNetworkAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var instance = Find(instanceId);
            var addresses = instance.IpAddresses.Select(a => a.Contains('/', StringComparison.Ordinal) ? a : a + "/24").ToList();
            var eth0 = new GuestInterfaceConfig("eth0", MacFor(instance.Id), addresses);
            return Task.FromResult(new GuestNetworkConfig(instance.Hostname, [eth0], instance.Gateway, instance.DnsServers.ToList()));
        }
    }

    public Task<InstanceInfo> SetGuestNetworkAsync(string instanceId, GuestNetworkConfig network, string operationId, CancellationToken cancellationToken) =>
        RunOperationAsync(SimOperation.SetNetwork, instanceId, operationId, async () =>
        {
            lock (_gate)
                EnsureGuestReachable(Find(instanceId));
            await SimLatencies.WaitAsync(_options.Latency, SimOperation.SetNetwork, cancellationToken);
            return Mutate(instanceId, i =>
            {
                if (!string.IsNullOrWhiteSpace(network.Hostname))
                    i.Hostname = network.Hostname;
                i.IpAddresses = network.Interfaces.SelectMany(n => n.Addresses).ToList();
                i.Gateway = network.Gateway;
                i.DnsServers = network.DnsServers.ToList();
            });
        }, cancellationToken);

    public Task<GuestInfo> GetGuestInfoAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var instance = Find(instanceId);
            if (instance.State != InstanceState.Running)
            {
                var reason = $"the guest is {instance.State.ToString().ToLowerInvariant()}";
                return Task.FromResult(new GuestInfo(false, reason, "", "", "", "", 0, 0, GuestTools.AllUnavailable(reason)));
            }
            // The sim's guests are whatever their template says; a name with "windows" in it is a Windows guest.
            var windows = instance.Template.Contains("windows", StringComparison.OrdinalIgnoreCase);
            var osId = windows ? "mswindows" : "linux";
            var used = SimAccounting.UsedMib(instance);
            return Task.FromResult(new GuestInfo(true, "", osId, instance.Template, "", windows ? "" : "sim",
                instance.MemoryMib, Math.Max(0, instance.MemoryMib - used), GuestTools.For(osId)));
        }
    }

    public Task<InstanceCounters> GetCountersAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult(SimObservations.Counters(Find(instanceId)));
    }

    /// <summary>A VM needs its guest agent (so it must run); a container's files are reachable from the host.</summary>
    private static void EnsureGuestReachable(SimInstance instance)
    {
        EnsureSettled(instance);
        if (instance.Kind == InstanceKind.VirtualMachine && instance.State != InstanceState.Running)
            throw EngineException.WrongState(instance.State);
    }

    private static SimInstance Copy(SimInstance source) => new()
    {
        Id = source.Id,
        Name = source.Name,
        Hostname = source.Hostname,
        MemoryMib = source.MemoryMib,
        State = source.State,
    };

    /// <summary>A stable locally administered MAC derived from the instance id.</summary>
    private static string MacFor(string instanceId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(instanceId));
        return $"02:{hash[0]:x2}:{hash[1]:x2}:{hash[2]:x2}:{hash[3]:x2}:{hash[4]:x2}";
    }
}
