using System.Net;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Templates;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Shared;

namespace VzPanel.Core.Features.Instances;

/// <summary>
/// A container or virtual machine. Its UUID is its identity everywhere (inventory, agent, libvirt domain);
/// its name is a unique, human alias, which is where an old numeric VEID such as <c>101</c> lives on.
/// Its state, sizes and node are set when it is made and change only through the transitions below.
/// </summary>
public sealed class Instance : ITenantOwned
{
    private Guid _nodeId;
    private InstanceState _state = InstanceState.Provisioning;
    private long _memoryMiB;
    private int _memoryGuaranteePercent;
    private int _vCpus;
    private long _diskGiB = DiskSize.DefaultGiB;
    private DateTimeOffset _updatedAt;

    public Guid Id { get; init; } = Guid.NewGuid();
    public InstanceKind Kind { get; init; }
    public required string Name { get; set; }
    public Guid TenantId { get; set; }
    public Guid NodeId { get => _nodeId; init => _nodeId = value; }
    public Node? Node { get; private set; }
    public InstanceState State { get => _state; init => _state = value; }
    public long MemoryMiB { get => _memoryMiB; init => _memoryMiB = value; }

    /// <summary>The share of <see cref="MemoryMiB"/> the node must keep for this instance (0–100).</summary>
    public int MemoryGuaranteePercent { get => _memoryGuaranteePercent; init => _memoryGuaranteePercent = value; }

    public int VCpus { get => _vCpus; init => _vCpus = value; }

    /// <summary>The size of its disk (a VM's QCOW2 image; for a container, what was asked: its folder has no size of its own).</summary>
    public long DiskGiB { get => _diskGiB; init => _diskGiB = value; }

    /// <summary>CPU cap in percent of one core (prlctl <c>--cpulimit</c>); null means unlimited.</summary>
    public int? CpuLimitPercent { get; set; }

    public Guid? TemplateId { get; set; }
    public Template? Template { get; private set; }
    public string? Hostname { get; set; }
    public List<IPAddress> IpAddresses { get; set; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get => _updatedAt; init => _updatedAt = value; }
    public uint Version { get; private set; }

    /// <summary>Memory the node must hold back for this instance, rounded up to whole MiB.</summary>
    public long GuaranteedMiB => GuaranteeOf(MemoryMiB, MemoryGuaranteePercent);

    /// <summary>The memory a guarantee of <paramref name="percent"/> holds back, rounded up to whole MiB (queries spell it out inline).</summary>
    public static long GuaranteeOf(long memoryMiB, int percent) => MemoryGuarantee.MiB(memoryMiB, percent);

    /// <summary>A job starts acting on it: it shows <paramref name="transitional"/> (Starting, Stopping, Deleting) meanwhile.</summary>
    /// <returns>Whether that changed anything.</returns>
    public bool Begin(InstanceState transitional, DateTimeOffset at)
    {
        if (_state == transitional) return false;
        Settle(transitional, at);
        return true;
    }

    /// <summary>Takes what its node reports: state and sizes. A disk size of 0 (the node knows none) leaves the inventory's.</summary>
    public void Apply(InstanceOnNode reported, DateTimeOffset at)
    {
        _memoryMiB = reported.MemoryMiB;
        _memoryGuaranteePercent = reported.MemoryGuaranteePercent;
        _vCpus = reported.VCpus;
        if (reported.DiskGiB > 0) _diskGiB = reported.DiskGiB;
        Settle(reported.State, at);
    }

    /// <summary>A migration switched over: <paramref name="nodeId"/> runs it now, as that node reports.</summary>
    public void MoveTo(Guid nodeId, InstanceOnNode reported, DateTimeOffset at)
    {
        _nodeId = nodeId;
        Apply(reported, at);
    }

    /// <summary>
    /// Ends in <paramref name="state"/> without a report from the node: put back as it was (the node refused), or
    /// Unknown or Failed for a person to look at when nobody can tell.
    /// </summary>
    public void Settle(InstanceState state, DateTimeOffset at)
    {
        _state = state;
        _updatedAt = at;
    }

    Guid? ITenantOwned.OwnerTenantId => TenantId;
}

/// <summary>System container or virtual machine, as prlctl's <c>--vmtype ct|vm</c>.</summary>
public enum InstanceKind { Ct, Vm }

public enum InstanceState { Provisioning, Stopped, Starting, Running, Stopping, Migrating, Deleting, Failed, Unknown }
