using VzPanel.Core.Common;

namespace VzPanel.Core.Features.Instances;

/// <summary>An instance's inventory row changed (state, size, node) or it was deleted.</summary>
public sealed record InstanceChanged(Guid InstanceId, Guid TenantId, Guid NodeId, InstanceState State, bool Deleted = false) : IReplicatedEvent
{
    public static InstanceChanged From(Instance i, bool deleted = false) => new(i.Id, i.TenantId, i.NodeId, i.State, deleted);
}
