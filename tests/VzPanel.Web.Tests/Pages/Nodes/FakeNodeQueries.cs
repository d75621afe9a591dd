using VzPanel.Core.Features.Nodes;

namespace VzPanel.Web.Tests.Pages.Nodes;

/// <summary>Nodes the test can change between renders, as heartbeats would.</summary>
internal sealed class FakeNodeQueries : INodeQueries
{
    public List<NodeSummary> Nodes { get; } = [];
    public List<string> Drift { get; } = [];

    /// <summary>Facts the node reported: versions, capabilities, accelerator, template cache (none by default, like the sim).</summary>
    public Func<NodeDetails, NodeDetails> Facts { get; set; } = d => d;

    public static NodeSummary Node(string name, NodeState state, int instances = 0, int drift = 0) =>
        new(Guid.NewGuid(), name, EngineKind.Sim, state, "127.0.0.1:7443", 8, 16384, 1024, 12000, instances, drift, DateTimeOffset.UtcNow, "1.0");

    public Task<IReadOnlyList<NodeSummary>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<NodeSummary>>([.. Nodes]);

    public Task<NodeDetails?> GetAsync(Guid id, CancellationToken ct) =>
        Task.FromResult(Nodes.FirstOrDefault(n => n.Id == id) is { } n
            ? Facts(new NodeDetails(n, 1.5m, MemoryPolicy.Performance, [.. Drift], null, []))
            : null);
}
