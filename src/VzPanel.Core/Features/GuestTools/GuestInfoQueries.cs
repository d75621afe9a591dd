using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Agents;
using Proto = VzPanel.Agent.Contracts;

namespace VzPanel.Core.Features.GuestTools;

/// <summary>The guest tools card and <c>GET /api/v1/instances/{id}/guest</c> read through this (bUnit tests fake it).</summary>
public interface IGuestInfoQueries
{
    /// <summary>The guest's own report, read from its node now. Not found for servers the caller may not see.</summary>
    Task<Result<GuestInfoView>> GetAsync(Guid instanceId, CancellationToken ct);
}

/// <summary>
/// Asks the server's node what its guest tools report. The DbContext scopes the server to the caller (a customer
/// reaches only their own, support and admins every one); reading changes nothing, so read-only support may ask.
/// </summary>
public sealed class GuestInfoQueries(IDbContextFactory<VzPanelDbContext> dbFactory, AgentClients agents, TimeProvider clock) : IGuestInfoQueries
{
    public async Task<Result<GuestInfoView>> GetAsync(Guid instanceId, CancellationToken ct)
    {
        Instance? instance;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            instance = await db.Instances.AsNoTracking().Include(i => i.Node).SingleOrDefaultAsync(i => i.Id == instanceId, ct);
        }
        if (instance is null) return Error.NotFound("Instance");
        var node = instance.Node!;
        if (instance.State == InstanceState.Provisioning) return GuestInfoView.Silent("the server is still being created");
        if (instance.State == InstanceState.Deleting) return GuestInfoView.Silent("the server is being deleted");
        if (node.State == NodeState.Pending) return AgentErrors.NotEnrolled(node.Name);

        try
        {
            var info = await agents.For(node.Id, node.ManagementAddress).GetGuestInfoAsync(
                new Proto.InstanceRef { InstanceId = instance.Id.ToString() },
                new CallOptions(deadline: clock.GetUtcNow().Add(AgentErrors.ReadTimeout).UtcDateTime, cancellationToken: ct));
            return ToView(info);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return Error.Unavailable($"Node {node.Name} does not have {instance.Name}; the node page lists how it disagrees with the inventory.");
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            return AgentErrors.Unavailable(node.Name, ex);
        }
    }

    private static GuestInfoView ToView(Proto.GuestInfo g) => new(
        g.AgentResponding, Text(g.UnavailableReason), Text(g.OsId), Text(g.OsName), Text(g.OsVersion), Text(g.KernelRelease),
        g.MemorySeenMib, g.MemoryAvailableMib, [.. g.Tools.Select(t => new GuestToolView(t.Name, t.Available, Text(t.Reason)))]);

    private static string? Text(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
