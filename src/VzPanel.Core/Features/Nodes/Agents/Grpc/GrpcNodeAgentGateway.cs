using Grpc.Core;
using Microsoft.Extensions.Options;
using VzPanel.Agent.Contracts;
using VzPanel.Core.Common;
using VzPanel.Core.Features.GuestTools;
using VzPanel.Core.Features.Storage;
using VzPanel.Core.Options;
using CoreMode = VzPanel.Core.Features.Migration.MigrationMode;

namespace VzPanel.Core.Features.Nodes.Agents.Grpc;

/// <summary>
/// <see cref="INodeAgentGateway"/> over the agents' gRPC API. Owns the deadlines (from options), the retries of changes
/// while a node is unreachable, and the translation of gRPC failures into <see cref="Error"/>s.
/// </summary>
public sealed class GrpcNodeAgentGateway(AgentChannels channels, IOptions<AgentOptions> agentOptions, IOptions<JobOptions> jobOptions, TimeProvider clock)
    : INodeAgentGateway
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    public Task<Result<InstanceOnNode?>> FindInstanceAsync(AgentNode node, Guid instanceId, CancellationToken ct) =>
        ReadAsync(node, (client, o) => FindAsync(client, instanceId, o), ct);

    public Task<Result<CounterFigures>> GetCountersAsync(AgentNode node, Guid instanceId, CancellationToken ct) =>
        ReadAsync(node, async (client, o) => ProtoConvert.ToCounters(await client.GetCountersAsync(Ref(instanceId), o)), ct);

    public Task<Result<GuestInfoView>> GetGuestInfoAsync(AgentNode node, Guid instanceId, CancellationToken ct) =>
        ReadAsync(node, async (client, o) => ProtoConvert.ToGuestInfo(await client.GetGuestInfoAsync(Ref(instanceId), o)), ct);

    public Task<Result<KsmFigures>> GetKsmAsync(AgentNode node, CancellationToken ct) =>
        ReadAsync(node, async (client, o) => ProtoConvert.ToKsm(await client.GetKsmStatsAsync(new GetKsmStatsRequest(), o)), ct);

    public Task<Result<IReadOnlyList<StoragePoolFigures>>> ListStoragePoolsAsync(AgentNode node, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<StoragePoolFigures>>(node, async (client, o) =>
            [.. (await client.ListStoragePoolsAsync(new ListStoragePoolsRequest(), o)).Pools.Select(ProtoConvert.ToPool)], ct);

    public Task<Result<NodeStorage>> ReadStorageAsync(AgentNode node, Guid instanceId, CancellationToken ct) =>
        ReadAsync(node, async (client, o) =>
        {
            var pools = await client.ListStoragePoolsAsync(new ListStoragePoolsRequest(), o);
            var volumes = await client.ListVolumesAsync(new ListVolumesRequest(), o);
            var id = instanceId.ToString();
            // The inventory holds sizes of real images only; a folder the node could not measure has none.
            return new NodeStorage([.. pools.Pools.Select(ProtoConvert.ToPool)],
                [.. volumes.Volumes.Where(v => v.InstanceId == id && v.CapacityBytes > 0).Select(ProtoConvert.ToVolume)]);
        }, ct);

    public Task<Result<InstanceOnNode?>> CreateAsync(AgentNode node, AgentChange change, NodeInstanceSpec spec, string? rootPassword, CancellationToken ct) =>
        ChangeInstanceAsync(node, change, spec.Id, (client, o) =>
            client.CreateInstanceAsync(new CreateInstanceRequest { OperationId = change.OperationId, Spec = ProtoConvert.ToSpec(spec, rootPassword) }, o), ct);

    public Task<Result<InstanceOnNode?>> StartAsync(AgentNode node, AgentChange change, Guid instanceId, CancellationToken ct) =>
        ChangeInstanceAsync(node, change, instanceId, (client, o) => client.StartInstanceAsync(Operation(change, instanceId), o), ct);

    public Task<Result<InstanceOnNode?>> StopAsync(AgentNode node, AgentChange change, Guid instanceId, bool force, int timeoutSeconds, CancellationToken ct) =>
        ChangeInstanceAsync(node, change, instanceId, (client, o) => client.StopInstanceAsync(new StopInstanceRequest
            { OperationId = change.OperationId, InstanceId = instanceId.ToString(), Force = force, TimeoutSeconds = timeoutSeconds }, o), ct);

    public Task<Result<InstanceOnNode?>> RestartAsync(AgentNode node, AgentChange change, Guid instanceId, CancellationToken ct) =>
        ChangeInstanceAsync(node, change, instanceId, (client, o) => client.RestartInstanceAsync(Operation(change, instanceId), o), ct);

    public Task<Result<InstanceOnNode?>> DeleteAsync(AgentNode node, AgentChange change, Guid instanceId, bool keepVolumes, CancellationToken ct) =>
        ChangeInstanceAsync(node, change, instanceId, (client, o) => client.DeleteInstanceAsync(new DeleteInstanceRequest
            { OperationId = change.OperationId, InstanceId = instanceId.ToString(), KeepVolumes = keepVolumes }, o), ct);

    public Task<Result<InstanceOnNode?>> SetMemoryAsync(AgentNode node, AgentChange change, Guid instanceId, long memoryMiB, CancellationToken ct) =>
        ChangeInstanceAsync(node, change, instanceId, (client, o) => client.SetMemoryAsync(new SetMemoryRequest
            { OperationId = change.OperationId, InstanceId = instanceId.ToString(), MemoryMib = memoryMiB }, o), ct);

    public Task<Result<InstanceOnNode?>> SetMemoryGuaranteeAsync(AgentNode node, AgentChange change, Guid instanceId, int percent, CancellationToken ct) =>
        ChangeInstanceAsync(node, change, instanceId, (client, o) => client.SetMemoryGuaranteeAsync(new SetMemoryGuaranteeRequest
            { OperationId = change.OperationId, InstanceId = instanceId.ToString(), Percent = percent }, o), ct);

    public Task<Result<InstanceOnNode?>> SetVCpusAsync(AgentNode node, AgentChange change, Guid instanceId, int vcpus, CancellationToken ct) =>
        ChangeInstanceAsync(node, change, instanceId, (client, o) => client.SetVCpusAsync(new SetVCpusRequest
            { OperationId = change.OperationId, InstanceId = instanceId.ToString(), Vcpus = vcpus }, o), ct);

    public Task<Result<InstanceOnNode?>> ResizeDiskAsync(AgentNode node, AgentChange change, Guid instanceId, long diskGiB, CancellationToken ct) =>
        ChangeInstanceAsync(node, change, instanceId, (client, o) => client.ResizeDiskAsync(new ResizeDiskRequest
            { OperationId = change.OperationId, InstanceId = instanceId.ToString(), DiskGib = diskGiB }, o), ct);

    public Task<Result<MigrationTicket>> PrepareMigrationTargetAsync(AgentNode target, AgentChange change, NodeInstanceSpec spec, CoreMode mode,
        CancellationToken ct) =>
        ChangeAsync(target, change, async (client, o) => ProtoConvert.ToTicket(await client.PrepareMigrationTargetAsync(new PrepareMigrationTargetRequest
            { OperationId = change.OperationId, Spec = ProtoConvert.ToSpec(spec), Mode = ProtoConvert.ToProto(mode) }, o)), look: null, ct);

    public Task<Result<MigrationOutcome>> MigrateAsync(AgentNode source, AgentChange change, MigrationTransfer transfer, CancellationToken ct) =>
        ChangeAsync(source, change, async (client, o) =>
        {
            var reply = await client.MigrateInstanceAsync(new MigrateInstanceRequest
            {
                OperationId = change.OperationId, InstanceId = transfer.InstanceId.ToString(), Target = ProtoConvert.ToProto(transfer.Target),
                Mode = ProtoConvert.ToProto(transfer.Mode), MaxDowntimeMs = transfer.MaxDowntimeMs, BandwidthMibPerSecond = transfer.BandwidthMibPerSecond,
            }, o);
            return new MigrationOutcome(reply.TransferredBytes, reply.DowntimeMs, reply.DurationMs);
        }, look: null, ct);

    public Task<Result<MigrationProgressFigures>> GetMigrationProgressAsync(AgentNode source, Guid instanceId, CancellationToken ct) =>
        ReadAsync(source, async (client, o) => ProtoConvert.ToProgress(await client.GetMigrationProgressAsync(Ref(instanceId), o)), ct);

    public Task<Result<MigrationProgressFigures>> CancelMigrationAsync(AgentNode source, Guid instanceId, CancellationToken ct) =>
        ReadAsync(source, async (client, o) => ProtoConvert.ToProgress(await client.CancelMigrationAsync(Ref(instanceId), o)), ct);

    public Task<Result<InstanceOnNode?>> CompleteMigrationTargetAsync(AgentNode target, AgentChange change, Guid instanceId, bool start, CancellationToken ct) =>
        ChangeInstanceAsync(target, change, instanceId, (client, o) => client.CompleteMigrationTargetAsync(new CompleteMigrationTargetRequest
            { OperationId = change.OperationId, InstanceId = instanceId.ToString(), Start = start }, o), ct);

    public Task<Result<InstanceOnNode?>> AbortMigrationTargetAsync(AgentNode target, AgentChange change, Guid instanceId, CancellationToken ct) =>
        ChangeInstanceAsync(target, change, instanceId, (client, o) => client.AbortMigrationTargetAsync(Operation(change, instanceId), o), ct);

    private static InstanceRef Ref(Guid instanceId) => new() { InstanceId = instanceId.ToString() };

    private static InstanceOperation Operation(AgentChange change, Guid instanceId) =>
        new() { OperationId = change.OperationId, InstanceId = instanceId.ToString() };

    private static async Task<InstanceOnNode?> FindAsync(NodeAgent.NodeAgentClient client, Guid instanceId, CallOptions options)
    {
        var id = instanceId.ToString();
        return ProtoConvert.ToInstance((await client.ListInstancesAsync(new ListInstancesRequest(), options)).Instances.FirstOrDefault(i => i.Id == id));
    }

    /// <summary>One try within the read timeout.</summary>
    private async Task<Result<T>> ReadAsync<T>(AgentNode node, Func<NodeAgent.NodeAgentClient, CallOptions, Task<T>> read, CancellationToken ct)
    {
        var options = new CallOptions(deadline: clock.GetUtcNow().AddSeconds(agentOptions.Value.ReadTimeoutSeconds).UtcDateTime, cancellationToken: ct);
        try
        {
            return new Result<T>(await read(channels.For(node.Id, node.Address), options), null);
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            return RpcFailures.OfRead(node.Name, ex);
        }
    }

    /// <summary>A change that answers with the instance afterwards; a retry first asks whether it already happened.</summary>
    private Task<Result<InstanceOnNode?>> ChangeInstanceAsync(AgentNode node, AgentChange change, Guid instanceId,
        Func<NodeAgent.NodeAgentClient, CallOptions, AsyncUnaryCall<OperationReply>> act, CancellationToken ct) =>
        ChangeAsync(node, change, async (client, o) => ProtoConvert.ToInstance((await act(client, o)).Instance),
            change.AlreadyDone is { } done
                ? async (client, o) => await FindAsync(client, instanceId, o) is var now && done(now) ? (true, now) : (false, null)
                : null,
            ct);

    /// <summary>
    /// Sends a change, again and again with growing pauses while the node is unreachable, until the retry window closes.
    /// Safe because every change carries the same operation id, which the agent's journal recognises.
    /// </summary>
    private async Task<Result<T>> ChangeAsync<T>(AgentNode node, AgentChange change, Func<NodeAgent.NodeAgentClient, CallOptions, Task<T>> act,
        Func<NodeAgent.NodeAgentClient, CallOptions, Task<(bool Done, T Value)>>? look, CancellationToken ct)
    {
        var jobs = jobOptions.Value;
        var client = channels.For(node.Id, node.Address);
        var giveUpAt = clock.GetUtcNow().AddSeconds(jobs.AgentRetryWindowSeconds);
        var pause = FirstPause;
        var failures = 0;
        var lookFirst = change.LookFirst;
        while (true)
        {
            var options = new CallOptions(deadline: clock.GetUtcNow().AddSeconds(jobs.AgentCallTimeoutSeconds).UtcDateTime, cancellationToken: ct);
            try
            {
                // After a lost reply or a job re-run the node may already have done it (and lost its journal entry).
                if (look is not null && (lookFirst || failures > 0) && await look(client, options) is (true, var already)) return new Result<T>(already, null);
                lookFirst = false;
                return new Result<T>(await act(client, options), null);
            }
            catch (RpcException ex) when (RpcFailures.IsTransient(ex) && !ct.IsCancellationRequested)
            {
                failures++;
                if (clock.GetUtcNow() + pause > giveUpAt) return RpcFailures.GaveUp(node.Name, ex);
                await change.OnWaiting($"Waiting for node {node.Name} ({RpcFailures.Describe(ex)}), attempt {failures + 1}");
                await Task.Delay(pause, clock, ct);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
                if (change.Label is { } label) await change.OnWaiting($"{label} (attempt {failures + 1})");
            }
            catch (RpcException ex) when (!ct.IsCancellationRequested)
            {
                return RpcFailures.OfChange(node.Name, ex);
            }
        }
    }
}
