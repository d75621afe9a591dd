using VzPanel.Agent.Engines.Host;
using VzPanel.Shared;
using static VzPanel.Agent.Engines.InstanceRules;

namespace VzPanel.Agent.Engines.Lxc;

public sealed partial class LxcComputeEngine
{
    private const long MiB = 1024 * 1024;

    public Task<InstanceInfo> SetMemoryAsync(string instanceId, long memoryMib, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            var spec = Own(instanceId);
            EnsureMemory(memoryMib, FindTemplate(spec.Template)?.MinMemoryMib ?? UnknownTemplateMinMemoryMib);
            var changed = spec with { MemoryMib = memoryMib };
            if (await CgroupAsync(instanceId) is { } cgroup)
            {
                var usedMib = (cgroup.WorkingSetBytes() + MiB - 1) / MiB;
                if (memoryMib < usedMib)
                    throw new EngineException(EngineErrorCode.WrongState,
                        $"cannot shrink to {memoryMib} MiB: the container uses {usedMib} MiB (its cgroup, without reclaimable page cache); the smallest safe size is {usedMib} MiB");
                await EnsureGuaranteeFitsAsync(instanceId, memoryMib, spec.GuaranteePercent);
                _operations.Progress(instanceId, operationId, 50, $"setting the memory limit to {memoryMib} MiB live");
                ApplyLive(instanceId, cgroup, changed, growing: memoryMib > spec.MemoryMib);
            }
            Save(instanceId, changed);
            return await SnapshotAsync(instanceId);
        });

    public Task<InstanceInfo> SetMemoryGuaranteeAsync(string instanceId, int percent, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            EnsureGuaranteePercent(percent);
            var changed = Own(instanceId) with { GuaranteePercent = percent };
            if (await CgroupAsync(instanceId) is { } cgroup)
            {
                await EnsureGuaranteeFitsAsync(instanceId, changed.MemoryMib, percent);
                ApplyLive(instanceId, cgroup, changed, growing: false);
            }
            Save(instanceId, changed);
            return await SnapshotAsync(instanceId);
        });

    public Task<InstanceInfo> SetVCpusAsync(string instanceId, int vcpus, string operationId, CancellationToken cancellationToken) =>
        OperateAsync(instanceId, operationId, async () =>
        {
            EnsureVCpus(vcpus, HostFacts.CpuCount);
            var changed = Own(instanceId) with { VCpus = vcpus };
            if (await CgroupAsync(instanceId) is { } cgroup)
                ApplyLive(instanceId, cgroup, changed, growing: false);
            Save(instanceId, changed);
            return await SnapshotAsync(instanceId);
        });

    /// <summary>
    /// Writes the spec's limits into the running container's cgroup. On v1 the memory+swap limit may never be
    /// below the memory limit, so growing raises it first and shrinking lowers it last. The kernel refuses
    /// (EBUSY) a limit it cannot reclaim down to; that refusal comes back with the numbers.
    /// </summary>
    private void ApplyLive(string instanceId, ContainerCgroup cgroup, ContainerSpec spec, bool growing)
    {
        var limits = LxcConfig.Limits(spec, cgroup.Flavor, _options.SwapMib).ToList();
        if (growing)
            limits = [.. limits.OrderBy(l => l.Key.Contains("memsw", StringComparison.Ordinal) ? 0 : 1)];
        foreach (var (key, value) in limits)
        {
            try
            {
                cgroup.Write(key, value);
            }
            catch (IOException failure)
            {
                throw new EngineException(EngineErrorCode.WrongState,
                    $"the kernel refused {key.Split('.', 3)[2]} = {value} for container {instanceId} ({failure.Message}); it holds {cgroup.UsageMib} MiB");
            }
        }
    }

    /// <summary>The guarantee rule over the running containers of this agent.</summary>
    private async Task EnsureGuaranteeFitsAsync(string instanceId, long memoryMib, int percent)
    {
        long others = 0;
        foreach (var (id, spec) in OwnContainers())
        {
            if (id != instanceId && IsActive(await StateAsync(id)))
                others += MemoryGuarantee.MiB(spec.MemoryMib, spec.GuaranteePercent);
        }
        var ram = HostFacts.Memory().TotalMib;
        GuaranteeRule.EnsureFits(_options.NodeName, others, MemoryGuarantee.MiB(memoryMib, percent), ram - HostReserveMib(ram));
    }

    /// <summary>
    /// Beancounters from the cgroup, in the units OpenVZ used: memory in 4 KiB pages, kernel memory in bytes,
    /// processes as a count. A stopped container holds nothing, so it reports zeros against its limits.
    /// </summary>
    public async Task<InstanceCounters> GetCountersAsync(string instanceId, CancellationToken cancellationToken)
    {
        const long page = 4096;
        const long unlimited = long.MaxValue;
        var spec = Own(instanceId);
        var limitPages = spec.MemoryMib * MiB / page;
        var guaranteePages = MemoryGuarantee.MiB(spec.MemoryMib, spec.GuaranteePercent) * MiB / page;
        if (await CgroupAsync(instanceId) is not { } cgroup)
        {
            return new InstanceCounters(instanceId,
            [
                new("physpages", 0, 0, 0, limitPages, 0, "pages"),
                new("swappages", 0, 0, 0, _options.SwapMib * MiB / page, 0, "pages"),
                new("oomguarpages", 0, 0, guaranteePages, unlimited, 0, "pages"),
                new("numproc", 0, 0, 0, unlimited, 0, "count"),
            ], 0);
        }

        var stat = cgroup.Stat();
        var v1 = cgroup.Flavor == CgroupFlavor.V1;
        var used = cgroup.Read("memory", v1 ? "memory.usage_in_bytes" : "memory.current");
        var maxUsed = cgroup.Read("memory", v1 ? "memory.max_usage_in_bytes" : "memory.peak");
        var oomKills = v1 ? cgroup.ReadKey("memory", "memory.oom_control", "oom_kill") : cgroup.ReadKey("memory", "memory.events", "oom_kill");
        var failCount = v1 ? cgroup.Read("memory", "memory.failcnt") : cgroup.ReadKey("memory", "memory.events", "max");
        var swapUsed = v1
            ? Math.Max(0, cgroup.Read("memory", "memory.memsw.usage_in_bytes") - used)
            : cgroup.Read("memory", "memory.swap.current");
        var pidsLimit = cgroup.Read("pids", "pids.max");
        List<CounterRow> rows =
        [
            new("physpages", used / page, Math.Max(used, maxUsed) / page, 0, limitPages, failCount, "pages"),
            new("swappages", swapUsed / page, swapUsed / page, 0, ContainerCgroup.CanLimitSwap ? _options.SwapMib * MiB / page : 0,
                v1 ? cgroup.Read("memory", "memory.memsw.failcnt") : cgroup.ReadKey("memory", "memory.swap.events", "max"), "pages"),
            new("oomguarpages", used / page, Math.Max(used, maxUsed) / page, guaranteePages, unlimited, oomKills, "pages"),
            new("shmpages", stat.GetValueOrDefault(v1 ? "total_shmem" : "shmem") / page, 0, 0, limitPages, 0, "pages"),
            new("numproc", cgroup.Read("pids", "pids.current"), cgroup.Read("pids", "pids.peak"), 0, pidsLimit == 0 ? unlimited : pidsLimit,
                cgroup.ReadKey("pids", "pids.events", "max"), "count"),
        ];
        if (v1)
        {
            rows.Add(new("kmemsize", cgroup.Read("memory", "memory.kmem.usage_in_bytes"), cgroup.Read("memory", "memory.kmem.max_usage_in_bytes"), 0,
                cgroup.Read("memory", "memory.kmem.limit_in_bytes"), cgroup.Read("memory", "memory.kmem.failcnt"), "bytes"));
        }
        else
        {
            rows.Add(new("kmemsize", stat.GetValueOrDefault("kernel"), 0, 0, unlimited, 0, "bytes"));
        }
        return new InstanceCounters(instanceId, rows, oomKills);
    }
}
