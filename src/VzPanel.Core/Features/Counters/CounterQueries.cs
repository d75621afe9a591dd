using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Agents;

namespace VzPanel.Core.Features.Counters;

/// <summary>
/// The counters cards and <c>GET /api/v1/instances/{id}/counters</c>, <c>GET /api/v1/nodes/{id}/counters</c> read
/// through this (bUnit tests fake it).
/// </summary>
public interface ICounterQueries
{
    /// <summary>One server's counters, read from its node now. Not found for servers the caller may not see.</summary>
    Task<Result<InstanceCountersView>> GetInstanceAsync(Guid instanceId, CancellationToken ct);

    /// <summary>The counters of the node's running servers, each read from the node now. Staff only: not found for customers.</summary>
    Task<Result<NodeCountersView>> GetNodeAsync(Guid nodeId, CancellationToken ct);
}

/// <summary>
/// Asks nodes for their servers' beancounter-style counters. The DbContext scopes servers to the caller (a customer
/// reaches only their own, support and admins every one) and only staff see nodes; reading changes nothing, so
/// read-only support may ask. A stopped server is asked too: its node reports zeros and the peaks it remembers.
/// </summary>
public sealed class CounterQueries(IDbContextFactory<VzPanelDbContext> dbFactory, INodeAgentGateway agents, TimeProvider clock) : ICounterQueries
{
    /// <summary>The most servers one node view reads; the others are counted in <see cref="NodeCountersView.NotShown"/>.</summary>
    public const int NodeLimit = 50;

    /// <summary>How many of a node's servers are asked about at once.</summary>
    private const int ReadsAtOnce = 8;

    public async Task<Result<InstanceCountersView>> GetInstanceAsync(Guid instanceId, CancellationToken ct)
    {
        Instance? instance;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            instance = await db.Instances.AsNoTracking().Include(i => i.Node).SingleOrDefaultAsync(i => i.Id == instanceId, ct);
        }
        if (instance is null) return Error.NotFound("Instance");
        var target = new Target(instance.Id, instance.Name, instance.State);
        if (NotOnItsNodeYet(instance.State) is { } why) return target.Silent(why, clock.GetUtcNow());
        var node = instance.Node!;
        if (node.State == NodeState.Pending) return AgentErrors.NotEnrolled(node.Name);
        return (await AskAsync(node, target, ct)).Read;
    }

    public async Task<Result<NodeCountersView>> GetNodeAsync(Guid nodeId, CancellationToken ct)
    {
        Node? node;
        int running;
        List<Target> targets;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // Nodes are fleet facts: customers never see them, not even that one exists.
            node = db.Scope.SeesAllTenants ? await db.Nodes.AsNoTracking().SingleOrDefaultAsync(n => n.Id == nodeId, ct) : null;
            if (node is null) return Error.NotFound("Node");
            var onNode = db.Instances.AsNoTracking().Where(i => i.NodeId == nodeId && i.State == InstanceState.Running);
            running = await onNode.CountAsync(ct);
            targets = await onNode.OrderBy(i => i.Name).Take(NodeLimit).Select(i => new Target(i.Id, i.Name, i.State)).ToListAsync(ct);
        }
        if (node.State == NodeState.Pending || string.IsNullOrEmpty(node.ManagementAddress)) return AgentErrors.NotEnrolled(node.Name);

        var views = new InstanceCountersView[targets.Count];
        Error? nodeSilent = null;   // once the node did not answer at all, the servers after it are not asked again
        await Parallel.ForEachAsync(Enumerable.Range(0, targets.Count), new ParallelOptions { MaxDegreeOfParallelism = ReadsAtOnce, CancellationToken = ct },
            async (index, token) =>
            {
                var target = targets[index];
                var (read, silent) = Volatile.Read(ref nodeSilent) is { } known ? ((Result<InstanceCountersView>)known, true) : await AskAsync(node, target, token);
                if (silent) Volatile.Write(ref nodeSilent, read.Error);
                // One server the node cannot tell about shows why, in its place; the others still show their rows.
                views[index] = read.IsSuccess ? read.Value! : target.Silent(read.Error!.Message, clock.GetUtcNow());
            });
        return new NodeCountersView(node.Id, node.Name, views, running - targets.Count, clock.GetUtcNow());
    }

    /// <summary>The node's counters of one server, or why not; <c>NodeSilent</c> when the node itself did not answer.</summary>
    private async Task<(Result<InstanceCountersView> Read, bool NodeSilent)> AskAsync(Node node, Target target, CancellationToken ct)
    {
        var read = await agents.GetCountersAsync(AgentNode.Of(node), target.Id, ct);
        if (read.IsSuccess) return (target.View(read.Value!, clock.GetUtcNow()), false);
        return read.Error!.IsMissing() ? (AgentErrors.DoesNotHave(node.Name, target.Name), false) : (read.Error!, read.Error!.IsSilence());
    }

    /// <summary>A server being built or deleted may not exist on its node; the panel knows why without asking.</summary>
    private static string? NotOnItsNodeYet(InstanceState state) => state switch
    {
        InstanceState.Provisioning => "the server is still being created",
        InstanceState.Deleting => "the server is being deleted",
        _ => null,
    };

    private sealed record Target(Guid Id, string Name, InstanceState State)
    {
        public InstanceCountersView Silent(string reason, DateTimeOffset at) => InstanceCountersView.Silent(Id, Name, State, reason, at);

        public InstanceCountersView View(CounterFigures set, DateTimeOffset at) => new(Id, Name, State, set.Counters, set.OomKills, null, at);
    }
}
