using VzPanel.Core.Features.Nodes.Agents;

namespace VzPanel.Core.Features.Instances.Operations;

/// <summary>The server an operation acts on, as its node is told about it, and the node that runs it.</summary>
public sealed record ServerTarget(NodeInstanceSpec Spec, AgentNode Node)
{
    public Guid InstanceId => Spec.Id;
    public string Name => Spec.Name;

    public static ServerTarget Of(Instance instance) => new(
        new NodeInstanceSpec(instance.Id, instance.Name, instance.Kind, instance.Template?.Name, instance.MemoryMiB, instance.MemoryGuaranteePercent,
            instance.VCpus, instance.CpuLimitPercent, instance.Hostname, [.. instance.IpAddresses.Select(a => a.ToString())], instance.DiskGiB),
        AgentNode.Of(instance.Node!));
}
