using VzPanel.Agent.Contracts;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Enrollment;
using VzPanel.Core.Features.Nodes.Heartbeats;
using CoreKind = VzPanel.Core.Features.Instances.InstanceKind;
using CoreState = VzPanel.Core.Features.Instances.InstanceState;

namespace VzPanel.Web.Agents;

/// <summary>Protocol messages to the panel's own records, in one place.</summary>
internal static class AgentMapping
{
    public static ReportedNode ToReported(NodeInfo? info) => info is null
        ? new ReportedNode(EngineKind.Sim, 0, 0, 0, 0, "")
        : new ReportedNode(ToEngine(info.Engine), info.CpuCount, info.RamMib, info.HostReserveMib, info.RamFreeMib, info.AgentVersion)
        {
            Versions = info.Versions.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
            Capabilities = [.. info.Capabilities],
            Accelerator = info.Accelerator,
            Templates = [.. info.Templates.Where(t => t.Kind != InstanceKind.Unspecified).Select(t =>
                new ReportedTemplate(t.Name, t.Kind == InstanceKind.Vm ? CoreKind.Vm : CoreKind.Ct, t.Version, t.Description, t.OsFamily))],
        };

    public static ReportedInstance ToReported(InstanceStatus s) => new(
        Guid.TryParse(s.Id, out var id) ? id : Guid.Empty, s.Name,
        s.Kind == InstanceKind.Vm ? CoreKind.Vm : CoreKind.Ct,
        s.State switch
        {
            InstanceState.Running => CoreState.Running,
            InstanceState.Stopped => CoreState.Stopped,
            InstanceState.Starting => CoreState.Starting,
            InstanceState.Stopping => CoreState.Stopping,
            InstanceState.Failed => CoreState.Failed,
            _ => CoreState.Unknown,
        },
        s.MemoryMib, s.Vcpus);

    private static EngineKind ToEngine(Engine engine) => engine switch
    {
        Engine.Libvirt => EngineKind.Libvirt,
        Engine.Lxc => EngineKind.Lxc,
        Engine.Prlctl => EngineKind.Prlctl,
        _ => EngineKind.Sim,
    };
}
