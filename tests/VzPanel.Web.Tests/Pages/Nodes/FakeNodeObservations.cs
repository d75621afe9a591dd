using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Agents;

namespace VzPanel.Web.Tests.Pages.Nodes;

/// <summary>Answers what the test sets: by default a node merging pages with one storage pool.</summary>
internal sealed class FakeNodeObservations : INodeObservations
{
    public Result<NodeObservation> Answer { get; set; } = new NodeObservation(
        new KsmFigures(true, true, 1200, 5400, 800, 0, 17, 21),
        [new StoragePoolFigures("default", "dir", "/var/lib/vzpanel/pool", 100L << 30, 12L << 30, 88L << 30)],
        DateTimeOffset.UtcNow);

    public int Reads { get; private set; }

    public Task<Result<NodeObservation>> ReadAsync(Guid nodeId, CancellationToken ct)
    {
        Reads++;
        return Task.FromResult(Answer);
    }
}
