using System.Globalization;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Templates;
using VzPanel.Shared;

namespace VzPanel.Core.Features.Capacity;

/// <summary>
/// The rules a request must pass before a job is queued: the tenant's plan, and on the node the Virtuozzo
/// rule (guarantees within RAM minus the host reserve) plus the overcommit ceiling for committed memory.
/// The node's agent checks guarantees again when it acts, so two requests admitted at once cannot overfill it.
/// </summary>
public static class Admission
{
    public static Error? CheckPlan(Plan plan, long memoryMiB, int vcpus)
    {
        if (memoryMiB < plan.MemoryMinMiB || memoryMiB > plan.MemoryMaxMiB)
            return Error.Validation("memory",
                $"Plan '{plan.Name}' allows {new MemorySize(plan.MemoryMinMiB)} to {new MemorySize(plan.MemoryMaxMiB)} of memory, not {new MemorySize(memoryMiB)}.");
        if (vcpus > plan.VCpuMax)
            return Error.Validation("vcpus", $"Plan '{plan.Name}' allows at most {plan.VCpuMax} vCPUs, not {vcpus}.");
        return null;
    }

    /// <summary>Apart from memory and vCPUs: a disk grows alone, and a plan whose memory bounds moved must not block it.</summary>
    public static Error? CheckPlanDisk(Plan plan, long diskGiB) => diskGiB > plan.DiskMaxGiB
        ? Error.Validation("disk", $"Plan '{plan.Name}' allows disks up to {DiskSize.Show(plan.DiskMaxGiB)}, not {DiskSize.Show(diskGiB)}.")
        : null;

    /// <summary>Why <paramref name="load"/>'s node cannot take this much more, or null when it can.</summary>
    public static string? RefusalOnNode(NodeLoad load, long addGuaranteedMiB, long addCommittedMiB)
    {
        var node = load.Node;
        var guaranteed = load.GuaranteedMiB + addGuaranteedMiB;
        if (addGuaranteedMiB > 0 && guaranteed > node.GuaranteeableMiB)
            return $"node {node.Name}: guarantees would reach {Percent(guaranteed, node.GuaranteeableMiB)}% of RAM minus the host reserve "
                + $"({Gib(guaranteed)} of {Gib(node.GuaranteeableMiB)} GiB)";
        var committed = load.CommittedMiB + addCommittedMiB;
        if (addCommittedMiB > 0 && committed > node.CommittableMiB)
            return $"node {node.Name}: committed memory would reach {Percent(committed, node.RamMiB)}% of RAM, above the overcommit limit of "
                + $"{(node.OvercommitRatio * 100).ToString("0", CultureInfo.InvariantCulture)}% ({Gib(committed)} of {Gib(node.CommittableMiB)} GiB)";
        return null;
    }

    /// <summary>Whether the node's engine runs this kind at all (libvirt runs VMs, LXC containers).</summary>
    public static string? RefusalForKind(Node node, InstanceKind kind) => (node.Engine, kind) switch
    {
        (EngineKind.Libvirt, InstanceKind.Ct) => $"node {node.Name}: its libvirt engine runs virtual machines, not containers",
        (EngineKind.Lxc, InstanceKind.Vm) => $"node {node.Name}: its LXC engine runs containers, not virtual machines",
        _ => null,
    };

    /// <summary>
    /// Whether the node has the template: a node with a template cache builds only from what it reports having,
    /// a node without one (the sim) from any name.
    /// </summary>
    public static string? RefusalForTemplate(Node node, string? template, InstanceKind kind) =>
        string.IsNullOrEmpty(template) || node.CanBuildFrom(template, kind)
            ? null
            : $"node {node.Name} does not have template {template} ({TemplateCatalog.KindCode(kind)})";

    /// <summary>Whether one server of this size can run on the node at all, however empty it is.</summary>
    public static string? RefusalForSize(Node node, long memoryMiB, int vcpus)
    {
        if (vcpus > node.CpuCount) return $"node {node.Name}: has {node.CpuCount} CPUs, fewer than the {vcpus} vCPUs asked for";
        if (memoryMiB > node.RamMiB) return $"node {node.Name}: has {Gib(node.RamMiB)} GiB of RAM, less than the {Gib(memoryMiB)} GiB asked for";
        return null;
    }

    public static string? RefusalForState(Node node) => node.State switch
    {
        NodeState.Online => null,
        NodeState.Maintenance => $"node {node.Name}: in maintenance, it takes no new servers",
        _ => $"node {node.Name}: {node.State.ToString().ToLowerInvariant()}, it cannot act now",
    };

    /// <summary>A node's refusal as the request's answer: "Node n2: guarantees would reach …."</summary>
    public static Error Refused(string refusal) => Error.Conflict(Placement.Capitalise(refusal) + ".");

    /// <summary>A shrink below what the guest uses would squeeze it into swap or the OOM killer.</summary>
    public static Error? CheckShrink(string name, long usedMiB, long newMiB) =>
        newMiB < usedMiB
            ? Error.Validation("memory", $"{name} uses {usedMiB} MiB right now; memory cannot shrink to {newMiB} MiB. Free memory in the server first or choose at least {usedMiB} MiB.")
            : null;

    private static int Percent(long part, long whole) =>
        whole <= 0 ? 100 : (int)Math.Round(part * 100.0 / whole, MidpointRounding.AwayFromZero);

    private static string Gib(long mib) => (mib / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
