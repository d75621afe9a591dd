using Grpc.Core;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Migration;
using VzPanel.Agent.Operations;

namespace VzPanel.Agent.Grpc;

/// <summary>
/// The NodeAgent gRPC service: maps messages to the engine and back. Read calls go straight to the
/// engine; mutating calls go through <see cref="IdempotentOperations"/> (see NodeAgentService.Operations.cs).
/// Engine failures become gRPC statuses in <see cref="EngineExceptionInterceptor"/>.
/// </summary>
public sealed partial class NodeAgentService(IComputeEngine engine, IdempotentOperations operations, MigrationDesk migrations) : NodeAgent.NodeAgentBase
{
    public override async Task<NodeInfo> GetNodeInfo(GetNodeInfoRequest request, ServerCallContext context) =>
        (await engine.GetNodeInfoAsync(context.CancellationToken)).ToProto();

    public override async Task<InstanceList> ListInstances(ListInstancesRequest request, ServerCallContext context)
    {
        var list = new InstanceList();
        list.Instances.Add((await engine.ListInstancesAsync(context.CancellationToken)).Select(i => i.ToProto()));
        return list;
    }

    public override async Task<GuestNetwork> GetGuestNetwork(InstanceRef request, ServerCallContext context) =>
        (await engine.GetGuestNetworkAsync(request.InstanceId, context.CancellationToken)).ToProto();

    public override async Task<Contracts.GuestInfo> GetGuestInfo(InstanceRef request, ServerCallContext context) =>
        (await engine.GetGuestInfoAsync(request.InstanceId, context.CancellationToken)).ToProto();

    public override async Task<CounterSet> GetCounters(InstanceRef request, ServerCallContext context) =>
        (await engine.GetCountersAsync(request.InstanceId, context.CancellationToken)).ToProto();

    public override async Task<KsmStats> GetKsmStats(GetKsmStatsRequest request, ServerCallContext context) =>
        (await engine.GetKsmStatsAsync(context.CancellationToken)).ToProto();

    public override async Task<StoragePoolList> ListStoragePools(ListStoragePoolsRequest request, ServerCallContext context)
    {
        var list = new StoragePoolList();
        list.Pools.Add((await engine.ListStoragePoolsAsync(context.CancellationToken)).Select(p => p.ToProto()));
        return list;
    }

    public override async Task<VolumeList> ListVolumes(ListVolumesRequest request, ServerCallContext context)
    {
        var list = new VolumeList();
        var pool = string.IsNullOrEmpty(request.Pool) ? null : request.Pool;
        list.Volumes.Add((await engine.ListVolumesAsync(pool, context.CancellationToken)).Select(v => v.ToProto()));
        return list;
    }

    public override async Task WatchEvents(WatchEventsRequest request, IServerStreamWriter<AgentEvent> responseStream, ServerCallContext context)
    {
        await using var events = await engine.WatchEventsAsync(context.CancellationToken);
        // Headers go out only once the subscription is live: a client that awaits them misses nothing.
        await context.WriteResponseHeadersAsync([]);
        try
        {
            await foreach (var engineEvent in events.ReadAllAsync(context.CancellationToken))
                await responseStream.WriteAsync(engineEvent.ToProto(), context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The watcher went away; that is how a watch normally ends.
        }
    }
}
