using VzPanel.Core.Common;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Web.Tests.Pages.Nodes;

/// <summary>Records drains and answers with a queued bulk operation.</summary>
internal sealed class FakeNodeDrain : INodeDrain
{
    public List<Guid> Drained { get; } = [];

    public Task<Result<OperationView>> DrainAsync(Guid nodeId, CancellationToken ct)
    {
        Drained.Add(nodeId);
        return Task.FromResult<Result<OperationView>>(new OperationView(Guid.NewGuid(), OperationKind.DrainNode, "node", nodeId, "sim-1", nodeId,
            OperationState.Queued, 0, null, null, "Drain sim-1: move its 2 servers to other nodes", "admin", DateTimeOffset.UtcNow, null, null));
    }

    public Task<Result<NodeState>> EndMaintenanceAsync(Guid nodeId, CancellationToken ct) => Task.FromResult<Result<NodeState>>(NodeState.Online);
}
