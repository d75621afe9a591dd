using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;

namespace VzPanel.Core.Features.Migration;

/// <summary>
/// The pre-checks of a migration and the choice of live or cold, from inventory facts only (nothing is asked of the
/// nodes and nothing changes): the same engine on both sides, the target's state, size and capacity after guarantees
/// and overcommit, the template a VM's disk is built on, the accelerator a running VM needs, the network the guests are
/// attached to, and whether both agents can move a running container.
/// </summary>
public static class MigrationRules
{
    /// <summary>
    /// The capability an LXC agent reports when it can checkpoint a running container and restore it elsewhere (CRIU works
    /// and the agent has that path). No agent reports it yet, so containers move cold; the nodes' CRIU facts say why.
    /// </summary>
    public const string LiveContainers = "live-ct-migration";

    /// <summary>The node fact (among its versions) naming what its guests' network cards attach to: none, isolated, bridge:NAME, network:NAME.</summary>
    public const string NetworkFact = "network";

    public static MigrationPlan Plan(Instance instance, NodeLoad source, NodeLoad target, long diskMiB, string? busyWith)
    {
        var from = source.Node;
        var to = target.Node;
        var running = instance.State == InstanceState.Running;
        var (mode, why) = Mode(instance, from, to);
        var guaranteed = Instance.GuaranteeOf(instance.MemoryMiB, instance.MemoryGuaranteePercent);
        List<MigrationCheck> checks =
        [
            Check("state", running || instance.State == InstanceState.Stopped,
                $"{instance.Name} is {Lower(instance.State)}", $"{instance.Name} is {Lower(instance.State)}; only running or stopped servers move"),
            Check("busy", busyWith is null, "no other operation on the server", busyWith ?? ""),
            Check("target", to.Id != from.Id, $"from {from.Name} to {to.Name}", $"{instance.Name} already runs on {to.Name}"),
            Check("engine", to.Engine == from.Engine, $"both nodes run {from.Engine}",
                $"node {to.Name} runs {to.Engine}, node {from.Name} runs {from.Engine}: a server moves only between nodes of one engine"),
            Check("node-state", Admission.RefusalForState(to)),
            Check("size", Admission.RefusalForSize(to, instance.MemoryMiB, instance.VCpus)),
            // A stopped server promises nothing until it starts; the start is checked then, as on any node.
            Check("capacity", running ? Admission.RefusalOnNode(target, guaranteed, instance.MemoryMiB) : null,
                running ? $"node {to.Name} keeps its guarantees and overcommit within limits" : "nothing to hold until it starts"),
            TemplateCheck(instance, to),
            AcceleratorCheck(instance, from, to, running),
            NetworkCheck(from, to),
        ];
        var transfer = diskMiB + (mode == MigrationMode.Live ? instance.MemoryMiB : 0);
        return new MigrationPlan(instance.Id, instance.Name, instance.Kind, from.Name, to.Id, to.Name, mode, why, transfer, checks);
    }

    private static (MigrationMode Mode, string Why) Mode(Instance instance, Node from, Node to)
    {
        if (instance.State != InstanceState.Running)
            return (MigrationMode.Offline, $"{instance.Name} is not running: its disk moves and it stays stopped");
        if (instance.Kind == InstanceKind.Vm || from.Engine == EngineKind.Sim)
            return (MigrationMode.Live, "the server keeps running while its memory is copied; it pauses only for the final switch-over");
        var without = new[] { from, to }.Where(n => !n.Capabilities.Contains(LiveContainers)).ToList();
        if (without.Count == 0)
            return (MigrationMode.Live, "both agents checkpoint running containers: its processes are restored on the target");
        var reasons = without.Select(n => $"node {n.Name}: CRIU {n.Versions.GetValueOrDefault("criu", "is not reported")}");
        return (MigrationMode.Cold,
            $"the container stops, its files move and it starts on the target ({string.Join("; ", reasons)})");
    }

    /// <summary>
    /// A VM's disk is an overlay on its template's base image, which the target must have (load the instance with its
    /// template); a container's files travel whole.
    /// </summary>
    private static MigrationCheck TemplateCheck(Instance instance, Node to) =>
        instance.Kind == InstanceKind.Ct
            ? new("template", true, "not needed: the container's root filesystem travels whole")
            : Check("template", Admission.RefusalForTemplate(to, instance.Template?.Name, instance.Kind), $"node {to.Name} has template {instance.Template?.Name}");

    /// <summary>QEMU cannot carry a running VM between KVM and TCG: the CPU state differs.</summary>
    private static MigrationCheck AcceleratorCheck(Instance instance, Node from, Node to, bool running)
    {
        if (instance.Kind != InstanceKind.Vm || !running || from.Engine == EngineKind.Sim)
            return new("accelerator", true, "not needed");
        return Check("accelerator", string.Equals(from.Accelerator, to.Accelerator, StringComparison.Ordinal),
            $"both nodes use {from.Accelerator}",
            $"node {from.Name} uses {from.Accelerator ?? "no accelerator"}, node {to.Name} {to.Accelerator ?? "none"}: a running VM moves only between nodes with the same one");
    }

    /// <summary>The node's own network attachment (versions["network"], e.g. bridge:br0) must be there on the target too.</summary>
    private static MigrationCheck NetworkCheck(Node from, Node to)
    {
        var (source, target) = (from.Versions.GetValueOrDefault(NetworkFact), to.Versions.GetValueOrDefault(NetworkFact));
        if (source is null && target is null)
            return new("network", true, "neither node reports a network attachment");
        return Check("network", string.Equals(source, target, StringComparison.Ordinal),
            source == "none" ? "neither node gives servers a network card" : $"both nodes attach servers to {source}",
            $"node {from.Name} attaches servers to {source ?? "an unreported network"}, node {to.Name} to {target ?? "an unreported one"}: the server would lose its network there");
    }

    private static MigrationCheck Check(string name, bool passed, string ok, string refusal) => new(name, passed, passed ? ok : refusal);

    private static MigrationCheck Check(string name, string? refusal, string ok = "ok") =>
        new(name, refusal is null, refusal is null ? ok : Placement.Capitalise(refusal));

    private static string Lower(InstanceState state) => state.ToString().ToLowerInvariant();
}
