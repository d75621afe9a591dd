using System.Diagnostics;
using VzPanel.Agent.Engines.Host;
using VzPanel.Agent.Engines.Libvirt.Native;

namespace VzPanel.Agent.Engines.Libvirt;

public sealed partial class LibvirtComputeEngine
{
    private const uint ShutdownDefault = 0;
    private static readonly TimeSpan StatePoll = TimeSpan.FromMilliseconds(100);

    public Task<InstanceInfo> CreateAsync(InstanceDefinition definition, string operationId, CancellationToken cancellationToken) =>
        Operate(definition.Id, operationId, () =>
        {
            var template = Validate(definition);
            if (Exists(definition.Id))
                throw new EngineException(EngineErrorCode.InvalidArgument, $"instance {definition.Id} already exists on this node");
            EnsurePool();

            _operations.Progress(definition.Id, operationId, 20, "creating the disk");
            var (diskPath, diskBytes) = CreateDisk(definition, template);
            var metadata = new VmMetadata(_options.Scope, definition.Name, template.Name, definition.MemoryMib, definition.MemoryGuaranteePercent,
                string.IsNullOrWhiteSpace(definition.Hostname) ? definition.Name : definition.Hostname,
                (definition.IpAddresses ?? []).Select(WithPrefix).ToList(), "", [], DiskGib: (diskBytes + GiB - 1) / GiB);
            _operations.Progress(definition.Id, operationId, 70, "defining the VM");
            Directory.CreateDirectory(_options.LogDirectory);
            _api.Define(DomainXml.Build(new DomainSpec(
                definition.Id, DomainName(definition), Accelerator == "kvm" ? "kvm" : "qemu", definition.MemoryMib, MaxMemoryMib(),
                _options.MemorySlots, definition.VCpus, HostFacts.CpuCount, diskPath, template, _options.Network,
                Path.Combine(_options.LogDirectory, $"{definition.Id}.serial.log"), metadata)));
            _own.TryAdd(definition.Id, 0);
            ApplyGuarantee(definition.Id, metadata, live: false);
            if (!string.IsNullOrEmpty(definition.RootPassword))
                _pendingRootPasswords[definition.Id] = definition.RootPassword;
            _operations.Publish(definition.Id, InstanceState.Stopped, operationId);
            return Snapshot(definition.Id);
        });

    public Task<InstanceInfo> StartAsync(string instanceId, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, () => StartLockedAsync(instanceId, operationId, cancellationToken));

    public Task<InstanceInfo> StopAsync(string instanceId, StopMode mode, TimeSpan gracefulTimeout, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, () => StopLockedAsync(instanceId, mode, gracefulTimeout, operationId, cancellationToken));

    public Task<InstanceInfo> RestartAsync(string instanceId, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            await StopLockedAsync(instanceId, StopMode.Graceful, TimeSpan.FromSeconds(30), operationId, cancellationToken);
            return await StartLockedAsync(instanceId, operationId, cancellationToken);
        });

    public Task DeleteAsync(string instanceId, bool keepVolumes, string operationId, CancellationToken cancellationToken) =>
        Operate(instanceId, operationId, () =>
        {
            var (listing, facts) = Own(instanceId);
            var state = StateOf(listing);
            if (state != InstanceState.Stopped && state != InstanceState.Failed)
                throw EngineException.WrongState(state);
            _api.Undefine(instanceId);
            if (!keepVolumes && !string.IsNullOrEmpty(facts.DiskPath))
                _api.DeleteVolume(_options.PoolName, Path.GetFileName(facts.DiskPath));
            File.Delete(Path.Combine(_options.LogDirectory, $"{instanceId}.serial.log"));
            _own.TryRemove(instanceId, out _);
            _operations.Forget(instanceId);
            _pendingRootPasswords.TryRemove(instanceId, out _);
            _maxHeldPages.TryRemove(instanceId, out _);
            return true;
        });

    private async Task<InstanceInfo> StartLockedAsync(string instanceId, string? operationId, CancellationToken cancellationToken)
    {
        var (listing, facts) = Own(instanceId);
        var state = StateOf(listing);
        if (state != InstanceState.Stopped && state != InstanceState.Failed)
            throw EngineException.WrongState(state);
        var metadata = facts.Metadata!;

        await _admission.WaitAsync(cancellationToken);
        try
        {
            EnsureGuaranteeFits(instanceId, metadata.MemoryMib, metadata.GuaranteePercent);
            _operations.Drive(instanceId, InstanceState.Starting, operationId);
            try
            {
                _api.Start(instanceId);
            }
            catch
            {
                _operations.Settle(instanceId, InstanceState.Stopped, operationId);
                throw;
            }
        }
        finally
        {
            _admission.Release();
        }

        try
        {
            _operations.Progress(instanceId, operationId, 50, "waiting for the guest agent");
            var template = FindTemplate(metadata.Template);
            if (template?.GuestAgent != false && await WaitForGuestAgentAsync(instanceId, facts, cancellationToken))
            {
                _operations.Progress(instanceId, operationId, 80, "applying hostname, network and password");
                ApplyGuestConfig(instanceId, facts);
            }
        }
        finally
        {
            _operations.Settle(instanceId, MapState(_api.State(instanceId)), operationId);
        }
        return Snapshot(instanceId);
    }

    private async Task<InstanceInfo> StopLockedAsync(string instanceId, StopMode mode, TimeSpan gracefulTimeout, string? operationId,
        CancellationToken cancellationToken)
    {
        var (listing, _) = Own(instanceId);
        var state = StateOf(listing);
        if (state is not (InstanceState.Running or InstanceState.Failed))
            throw EngineException.WrongState(state);
        _operations.Drive(instanceId, InstanceState.Stopping, operationId);
        try
        {
            if (mode == StopMode.Graceful && gracefulTimeout > TimeSpan.Zero)
            {
                _operations.Progress(instanceId, operationId, 30, "asking the guest to shut down");
                _api.Shutdown(instanceId, ShutdownDefault);
                if (!await WaitUntilOffAsync(instanceId, gracefulTimeout, cancellationToken))
                {
                    _operations.Progress(instanceId, operationId, 70, $"the guest did not shut down in {gracefulTimeout.TotalSeconds:0} s; forcing it off");
                    DestroyIfRunning(instanceId);
                }
            }
            else
            {
                DestroyIfRunning(instanceId);
            }
        }
        finally
        {
            _operations.Settle(instanceId, MapState(_api.State(instanceId)), operationId);
        }
        return Snapshot(instanceId);
    }

    private void DestroyIfRunning(string instanceId)
    {
        try
        {
            _api.Destroy(instanceId);
        }
        catch (LibvirtException failure) when (failure.Code == LibvirtErrorCode.OperationInvalid)
        {
            // It powered off between the check and the call: that is what was asked.
        }
    }

    private async Task<bool> WaitUntilOffAsync(string instanceId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (MapState(_api.State(instanceId)) == InstanceState.Stopped)
                return true;
            await Task.Delay(StatePoll, cancellationToken);
        }
        return false;
    }

    private async Task<bool> WaitForGuestAgentAsync(string instanceId, DomainFacts facts, CancellationToken cancellationToken)
    {
        var agent = Agent(instanceId, facts);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(_options.GuestAgentWaitSeconds))
        {
            if (MapState(_api.State(instanceId)) != InstanceState.Running)
                return false;
            if (agent.Ping())
            {
                _logger.LogInformation("guest agent of {Instance} answered {Seconds:0.00} s after start", instanceId, clock.Elapsed.TotalSeconds);
                return true;
            }
            await Task.Delay(StatePoll, cancellationToken);
        }
        _logger.LogWarning("guest agent of {Instance} did not answer within {Seconds} s; the VM runs without guest tools", instanceId,
            _options.GuestAgentWaitSeconds);
        return false;
    }

    private bool Exists(string instanceId)
    {
        try
        {
            _api.State(instanceId);
            return true;
        }
        catch (LibvirtException failure) when (failure.Code == LibvirtErrorCode.NoDomain)
        {
            return false;
        }
    }

    private static string DomainName(InstanceDefinition definition)
    {
        var safe = new string(definition.Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
        return $"{safe}-{definition.Id[..8]}";
    }

    private long MaxMemoryMib()
    {
        var ram = _options.MaxMemoryMib > 0 ? _options.MaxMemoryMib : HostFacts.Memory().TotalMib;
        return ram / MemoryPlan.DimmAlignMib * MemoryPlan.DimmAlignMib;
    }

    private static string WithPrefix(string address) => address.Contains('/', StringComparison.Ordinal) ? address : address + "/24";
}
