using System.Xml.Linq;
using VzPanel.Agent.Engines.Host;
using VzPanel.Agent.Engines.Libvirt.Native;
using static VzPanel.Agent.Engines.InstanceRules;

namespace VzPanel.Agent.Engines.Libvirt;

public sealed partial class LibvirtComputeEngine
{
    /// <summary>How long the guest gets to release a DIMM before the balloon takes over that memory instead.</summary>
    private static readonly TimeSpan UnplugWait = TimeSpan.FromSeconds(5);

    /// <summary>What a shrink must leave above the guest's own use, so its kernel does not start killing processes.</summary>
    private const long ShrinkHeadroomMib = 64;

    public Task<InstanceInfo> SetMemoryAsync(string instanceId, long memoryMib, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            var (listing, facts) = Own(instanceId);
            var metadata = facts.Metadata!;
            EnsureMemory(memoryMib, FindTemplate(metadata.Template));
            var updated = metadata with { MemoryMib = memoryMib };
            var state = StateOf(listing);
            if (state == InstanceState.Stopped)
            {
                // Cold: the next boot simply gets this much, with no DIMMs.
                _api.Define(DomainXml.WithBootMemory(_api.Xml(instanceId, inactive: true), memoryMib, updated));
                ApplyGuarantee(instanceId, updated, live: false);
                return Snapshot(instanceId);
            }
            if (state != InstanceState.Running)
                throw EngineException.WrongState(state);

            if (memoryMib < metadata.MemoryMib)
                EnsureShrinkIsSafe(instanceId, facts, memoryMib);
            else
                await WithAdmissionAsync(() => EnsureGuaranteeFits(instanceId, memoryMib, metadata.GuaranteePercent), cancellationToken);

            var change = MemoryPlan.For(facts, memoryMib);
            if (change.AddDimmMib > 0)
            {
                _operations.Progress(instanceId, operationId, 30, $"plugging a {change.AddDimmMib} MiB DIMM");
                var plug = System.Diagnostics.Stopwatch.StartNew();
                _api.AttachDevice(instanceId, DomainXml.DimmDevice(change.AddDimmMib), LibvirtApi.AffectLive | LibvirtApi.AffectConfig);
                _operations.Progress(instanceId, operationId, 60, $"plugged a {change.AddDimmMib} MiB DIMM in {plug.ElapsedMilliseconds} ms");
            }
            foreach (var dimm in change.Unplug)
            {
                _operations.Progress(instanceId, operationId, 40, $"unplugging {dimm.Alias} ({dimm.SizeMib} MiB)");
                if (!await UnplugAsync(instanceId, dimm, cancellationToken))
                    break;
            }
            _operations.Progress(instanceId, operationId, 80, $"setting the balloon to {memoryMib} MiB");
            _api.SetMemory(instanceId, memoryMib * 1024, LibvirtApi.AffectLive | LibvirtApi.AffectConfig);
            WriteMetadata(instanceId, updated, live: true);
            ApplyGuarantee(instanceId, updated, live: true);
            return Snapshot(instanceId);
        });

    public Task<InstanceInfo> SetMemoryGuaranteeAsync(string instanceId, int percent, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            EnsureGuaranteePercent(percent);
            var (listing, facts) = Own(instanceId);
            var metadata = facts.Metadata!;
            var running = IsActive(StateOf(listing));
            if (running)
                await WithAdmissionAsync(() => EnsureGuaranteeFits(instanceId, metadata.MemoryMib, percent), cancellationToken);
            var updated = metadata with { GuaranteePercent = percent };
            WriteMetadata(instanceId, updated, running);
            ApplyGuarantee(instanceId, updated, running);
            return Snapshot(instanceId);
        });

    public Task<InstanceInfo> SetVCpusAsync(string instanceId, int vcpus, string operationId, CancellationToken cancellationToken) =>
        Operate(instanceId, operationId, () =>
        {
            EnsureVCpus(vcpus, HostFacts.CpuCount);
            var (listing, _) = Own(instanceId);
            var running = IsActive(StateOf(listing));
            _api.SetVcpus(instanceId, vcpus, running ? LibvirtApi.AffectLive | LibvirtApi.AffectConfig : LibvirtApi.AffectConfig);
            return Snapshot(instanceId);
        });

    /// <summary>Refuses a shrink below what the guest uses, with the numbers, after asking the guest itself.</summary>
    private void EnsureShrinkIsSafe(string instanceId, DomainFacts facts, long targetMib)
    {
        long total, available;
        try
        {
            (total, available) = Agent(instanceId, facts).MemInfo();
        }
        catch (EngineException failure) when (failure.Code == EngineErrorCode.Unavailable)
        {
            throw new EngineException(EngineErrorCode.Unavailable,
                $"cannot shrink to {targetMib} MiB without asking the guest how much it uses: {failure.Message}");
        }
        var used = total - available;
        var floor = used + ShrinkHeadroomMib;
        if (targetMib < floor)
            throw new EngineException(EngineErrorCode.WrongState,
                $"cannot shrink to {targetMib} MiB: the guest uses {used} MiB ({available} MiB of {total} MiB available); the smallest safe size is {floor} MiB");
    }

    private async Task WithAdmissionAsync(Action check, CancellationToken cancellationToken)
    {
        await _admission.WaitAsync(cancellationToken);
        try
        {
            check();
        }
        finally
        {
            _admission.Release();
        }
    }

    /// <summary>Asks the guest to release a DIMM; only when it did does the DIMM leave the persistent definition too.</summary>
    private async Task<bool> UnplugAsync(string instanceId, Dimm dimm, CancellationToken cancellationToken)
    {
        var removed = _removals.Expect(instanceId, dimm.Alias);
        try
        {
            _api.DetachDevice(instanceId, dimm.Element.ToString(SaveOptions.DisableFormatting), LibvirtApi.AffectLive);
            await removed.WaitAsync(UnplugWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            _logger.LogInformation("guest of {Instance} kept {Dimm}; the balloon covers the shrink", instanceId, dimm.Alias);
            return false;
        }
        catch (LibvirtException failure)
        {
            _logger.LogInformation("unplugging {Dimm} from {Instance} failed ({Reason}); the balloon covers the shrink", dimm.Alias, instanceId, failure.Message);
            return false;
        }
        finally
        {
            _removals.Forget(instanceId, dimm.Alias);
        }
        RemoveDimmFromConfig(instanceId, dimm.SizeMib);
        return true;
    }

    private void RemoveDimmFromConfig(string instanceId, long sizeMib)
    {
        var inactive = DomainXml.Read(_api.Xml(instanceId, inactive: true));
        if (inactive.Dimms.FirstOrDefault(d => d.SizeMib == sizeMib) is { } match)
            _api.DetachDevice(instanceId, match.Element.ToString(SaveOptions.DisableFormatting), LibvirtApi.AffectConfig);
    }

    /// <summary>libvirt's "no limit" for memory tunables (VIR_DOMAIN_MEMORY_PARAM_UNLIMITED, in KiB).</summary>
    private const ulong UnlimitedKib = 9007199254740991;

    /// <summary>
    /// The guarantee as the VM's cgroup v1 memory soft limit: under host memory pressure the kernel reclaims
    /// from VMs above their soft limit first. On cgroup v2 libvirt would write it as memory.high, a
    /// throttle rather than a protection, so there the guarantee stays admission control only.
    /// </summary>
    private void ApplyGuarantee(string instanceId, VmMetadata metadata, bool live)
    {
        if (!HostFacts.HasCgroupV1Memory)
            return;
        var kib = metadata.GuaranteePercent == 0 ? UnlimitedKib : (ulong)Guarantee(metadata.MemoryMib, metadata.GuaranteePercent) * 1024;
        _api.SetMemoryParameter(instanceId, "soft_limit", kib, live ? LibvirtApi.AffectLive | LibvirtApi.AffectConfig : LibvirtApi.AffectConfig);
    }

    private void WriteMetadata(string instanceId, VmMetadata metadata, bool live) =>
        _api.SetMetadata(instanceId, metadata.ToMetadataXml(), VmMetadata.Prefix, VmMetadata.Namespace,
            live ? LibvirtApi.AffectLive | LibvirtApi.AffectConfig : LibvirtApi.AffectConfig);

}
