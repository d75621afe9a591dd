using Microsoft.AspNetCore.SignalR;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Web.Events;

/// <summary>Sends this replica's domain events (its own and those relayed from other replicas) to hub clients allowed to see them.</summary>
internal sealed class HubEventForwarder(PanelEvents events, IHubContext<EventsHub> hub) : IHostedService
{
    public const string OperationChangedMethod = "operationChanged";
    public const string InstanceChangedMethod = "instanceChanged";
    public const string NodeChangedMethod = "nodeChanged";

    private readonly List<IDisposable> _subscriptions = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Add(events.Subscribe<OperationChanged>(e => Send(OperationChangedMethod, e, e.TenantId)));
        _subscriptions.Add(events.Subscribe<InstanceChanged>(e => Send(InstanceChangedMethod, e, e.TenantId)));
        _subscriptions.Add(events.Subscribe<NodeChanged>(e => Send(NodeChangedMethod, e, null)));
        return Task.CompletedTask;
    }

    private Task Send(string method, object evt, Guid? tenantId) =>
        tenantId is { } tenant
            ? hub.Clients.Groups(EventsHub.StaffGroup, EventsHub.TenantGroup(tenant)).SendAsync(method, evt)
            : hub.Clients.Group(EventsHub.StaffGroup).SendAsync(method, evt);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var s in _subscriptions) s.Dispose();
        return Task.CompletedTask;
    }
}
