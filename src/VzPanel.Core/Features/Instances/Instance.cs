using System.Net;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Templates;
using VzPanel.Core.Features.Tenancy;
using VzPanel.Shared;

namespace VzPanel.Core.Features.Instances;

/// <summary>
/// A container or virtual machine. Its UUID is its identity everywhere (inventory, agent, libvirt domain);
/// its name is a unique, human alias, which is where an old numeric VEID such as <c>101</c> lives on.
/// </summary>
public sealed class Instance : ITenantOwned
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public InstanceKind Kind { get; init; }
    public required string Name { get; set; }
    public Guid TenantId { get; set; }
    public Guid NodeId { get; set; }
    public Node? Node { get; private set; }
    public InstanceState State { get; set; } = InstanceState.Provisioning;
    public long MemoryMiB { get; set; }

    /// <summary>The share of <see cref="MemoryMiB"/> the node must keep for this instance (0–100).</summary>
    public int MemoryGuaranteePercent { get; set; }

    public int VCpus { get; set; }

    /// <summary>The size of its disk (a VM's QCOW2 image; for a container, what was asked: its folder has no size of its own).</summary>
    public long DiskGiB { get; set; } = DiskSize.DefaultGiB;

    /// <summary>CPU cap in percent of one core (prlctl <c>--cpulimit</c>); null means unlimited.</summary>
    public int? CpuLimitPercent { get; set; }

    public Guid? TemplateId { get; set; }
    public Template? Template { get; private set; }
    public string? Hostname { get; set; }
    public List<IPAddress> IpAddresses { get; set; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint Version { get; private set; }

    /// <summary>Memory the node must hold back for this instance, rounded up to whole MiB.</summary>
    public long GuaranteedMiB => GuaranteeOf(MemoryMiB, MemoryGuaranteePercent);

    /// <summary>The memory a guarantee of <paramref name="percent"/> holds back, rounded up to whole MiB (queries spell it out inline).</summary>
    public static long GuaranteeOf(long memoryMiB, int percent) => MemoryGuarantee.MiB(memoryMiB, percent);

    Guid? ITenantOwned.OwnerTenantId => TenantId;
}

/// <summary>System container or virtual machine, as prlctl's <c>--vmtype ct|vm</c>.</summary>
public enum InstanceKind { Ct, Vm }

public enum InstanceState { Provisioning, Stopped, Starting, Running, Stopping, Migrating, Deleting, Failed, Unknown }
