using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Nodes.Agents;

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
public sealed class GuestInfoQueries(IDbContextFactory<VzPanelDbContext> dbFactory, INodeAgentGateway agents) : IGuestInfoQueries
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

        var read = await agents.GetGuestInfoAsync(AgentNode.Of(node), instance.Id, ct);
        if (read.IsSuccess) return read.Value!;
        return read.Error!.IsMissing() ? AgentErrors.DoesNotHave(node.Name, instance.Name) : read.Error!;
    }
}
