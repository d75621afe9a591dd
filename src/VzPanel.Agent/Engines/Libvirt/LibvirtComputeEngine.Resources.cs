using System.Security;
using VzPanel.Agent.Engines.Host;
using VzPanel.Agent.Engines.Libvirt.Native;
using static VzPanel.Agent.Engines.InstanceRules;

namespace VzPanel.Agent.Engines.Libvirt;

public sealed partial class LibvirtComputeEngine
{
    private const long GiB = 1024L * 1024 * 1024;
    private const long DefaultDiskGib = 10;

    private VmTemplate Validate(InstanceDefinition definition)
    {
        EnsureIdentity(definition);
        if (definition.Kind != InstanceKind.VirtualMachine)
            throw Invalid("this node runs virtual machines (libvirt); containers go to an LXC node");
        var template = FindTemplate(definition.Template) ?? throw Invalid(
            $"template '{definition.Template}' is not in this node's template cache (it has: {string.Join(", ", VmTemplate.LoadAll(_options.TemplateDirectory).Select(t => t.Name).DefaultIfEmpty("none"))})");
        EnsureMemory(definition.MemoryMib, template);
        EnsureGuaranteePercent(definition.MemoryGuaranteePercent);
        EnsureVCpus(definition.VCpus, HostFacts.CpuCount);
        return template;
    }

    private void EnsureMemory(long memoryMib, VmTemplate? template)
    {
        var minimum = template?.MinMemoryMib ?? 128;
        if (memoryMib < minimum)
            throw Invalid($"memory {memoryMib} MiB is below the minimum of {minimum} MiB for this template");
        var max = MaxMemoryMib();
        if (memoryMib > max)
            throw Invalid($"memory {memoryMib} MiB exceeds what a VM on this node may have ({max} MiB)");
    }

    private VmTemplate? FindTemplate(string name) =>
        VmTemplate.LoadAll(_options.TemplateDirectory).FirstOrDefault(t => t.Name == name);

    /// <summary>The guarantee rule over the running VMs of this agent's scope.</summary>
    private void EnsureGuaranteeFits(string instanceId, long memoryMib, int percent)
    {
        var others = OwnDomains()
            .Where(d => d.Listing.Uuid != instanceId && IsActive(StateOf(d.Listing)))
            .Sum(d => Guarantee(d.Facts.Metadata!.MemoryMib, d.Facts.Metadata.GuaranteePercent));
        var ram = HostFacts.Memory().TotalMib;
        GuaranteeRule.EnsureFits(_options.NodeName, others, Guarantee(memoryMib, percent), ram - HostReserveMib(ram));
    }

    private void EnsurePool()
    {
        if (_poolReady)
            return;
        Directory.CreateDirectory(_options.PoolPath);
        _api.EnsureDirPool(_options.PoolName, _options.PoolPath);
        _poolReady = true;
    }

    /// <summary>A thin QCOW2 overlay on the template's base image, as large as the instance asked for (never smaller than the base).</summary>
    private (string Path, long CapacityBytes) CreateDisk(InstanceDefinition definition, VmTemplate template)
    {
        var name = VolumeName(definition.Id);
        // A create that died half-way may have left its disk; no domain uses it, so it goes.
        _api.DeleteVolume(_options.PoolName, name);
        var baseImage = QemuImg.Info(template.DiskPath);
        var requested = (definition.DiskGib == 0 ? DefaultDiskGib : definition.DiskGib) * GiB;
        var capacity = Math.Max(requested, baseImage.VirtualSizeBytes);
        var xml = $"""
            <volume>
              <name>{SecurityElement.Escape(name)}</name>
              <capacity unit='bytes'>{capacity}</capacity>
              <target><format type='qcow2'/><permissions><mode>0600</mode></permissions></target>
              <backingStore><path>{SecurityElement.Escape(template.DiskPath)}</path><format type='{SecurityElement.Escape(baseImage.Format)}'/></backingStore>
            </volume>
            """;
        return (_api.CreateVolume(_options.PoolName, xml), capacity);
    }

    public static string VolumeName(string instanceId) => $"{instanceId}-disk0.qcow2";

    public Task<IReadOnlyList<StoragePoolInfo>> ListStoragePoolsAsync(CancellationToken cancellationToken) => Blocking(() =>
    {
        EnsurePool();
        var pool = _api.Pool(_options.PoolName);
        return (IReadOnlyList<StoragePoolInfo>)[new StoragePoolInfo(pool.Name, "dir", _options.PoolPath, (long)pool.Capacity, (long)pool.Allocation, (long)pool.Available)];
    });

    public Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(string? pool, CancellationToken cancellationToken) => Blocking(() =>
    {
        if (!string.IsNullOrEmpty(pool) && pool != _options.PoolName)
            throw new EngineException(EngineErrorCode.NotFound, $"storage pool {pool} not found");
        EnsurePool();
        return (IReadOnlyList<VolumeInfo>)_api.Volumes(_options.PoolName).Select(v => new VolumeInfo(
            v.Name, _options.PoolName, OwnerOf(v.Name), VolumeFormat(v.Xml), (long)v.Capacity, (long)v.Allocation, BackingOf(v.Xml))).ToList();
    });

    private static string OwnerOf(string volumeName) =>
        volumeName.Length > 36 && Guid.TryParse(volumeName.AsSpan(0, 36), out _) ? volumeName[..36] : "";

    private static string VolumeFormat(string xml) =>
        (string?)System.Xml.Linq.XElement.Parse(xml).Element("target")?.Element("format")?.Attribute("type") ?? "raw";

    private static string BackingOf(string xml) =>
        System.Xml.Linq.XElement.Parse(xml).Element("backingStore")?.Element("path")?.Value ?? "";

    public Task<KsmStatistics> GetKsmStatsAsync(CancellationToken cancellationToken) => Task.FromResult(HostKsm.Read());

    public Task<InstanceCounters> GetCountersAsync(string instanceId, CancellationToken cancellationToken) => Blocking(() =>
    {
        const long pagesPerMib = 256;
        const long unlimited = long.MaxValue;
        var (listing, facts) = Own(instanceId);
        var metadata = facts.Metadata!;
        var held = IsActive(StateOf(listing)) ? UsedMib(instanceId) * pagesPerMib : 0;
        var maxHeld = _maxHeldPages.AddOrUpdate(instanceId, held, (_, previous) => Math.Max(previous, held));
        CounterRow[] rows =
        [
            new("physpages", held, maxHeld, 0, metadata.MemoryMib * pagesPerMib, 0, "pages"),
            new("swappages", 0, 0, 0, 0, 0, "pages"),
            new("oomguarpages", held, maxHeld, Guarantee(metadata.MemoryMib, metadata.GuaranteePercent) * pagesPerMib, unlimited, 0, "pages"),
            new("dimmpages", facts.Dimms.Sum(d => d.SizeMib) * pagesPerMib, 0, 0, (facts.MaxMemoryMib - facts.BootMemoryMib) * pagesPerMib, 0, "pages"),
        ];
        return new InstanceCounters(instanceId, rows, OomKills: 0);
    });
}
