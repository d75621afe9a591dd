namespace VzPanel.Core.Features.Nodes;

/// <summary>A node's state, capacity, instances or drift changed; pages showing nodes refresh.</summary>
public sealed record NodeChanged(Guid NodeId, NodeState State) : VzPanel.Core.Common.IReplicatedEvent;
