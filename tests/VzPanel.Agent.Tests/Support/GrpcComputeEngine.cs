using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Engines;
using VzPanel.Agent.Engines.Migration;
using VzPanel.Agent.Grpc;
using EngineKind = VzPanel.Agent.Engines.EngineKind;
using InstanceState = VzPanel.Agent.Engines.InstanceState;
using MigrationMode = VzPanel.Agent.Engines.Migration.MigrationMode;
using MigrationProgress = VzPanel.Agent.Engines.Migration.MigrationProgress;
using Proto = VzPanel.Agent.Contracts;

namespace VzPanel.Agent.Tests.Support;

/// <summary>
/// IComputeEngine over the wire: every call goes through NodeAgent on a real TLS socket, so the
/// contract suite checks the service, the mapping and the error codes as well as the engine behind.
/// </summary>
public sealed class GrpcComputeEngine(NodeAgent.NodeAgentClient client) : IComputeEngine
{
    public EngineKind Kind => EngineKind.Sim;

    public async Task<NodeDescription> GetNodeInfoAsync(CancellationToken cancellationToken) =>
        (await Call(() => client.GetNodeInfoAsync(new GetNodeInfoRequest(), cancellationToken: cancellationToken))).ToEngine();

    public async Task<IReadOnlyList<InstanceInfo>> ListInstancesAsync(CancellationToken cancellationToken) =>
        (await Call(() => client.ListInstancesAsync(new ListInstancesRequest(), cancellationToken: cancellationToken))).Instances.Select(i => i.ToEngine()).ToList();

    public async Task<InstanceInfo> CreateAsync(InstanceDefinition definition, string operationId, CancellationToken cancellationToken)
    {
        var spec = new InstanceSpec
        {
            Id = definition.Id, Name = definition.Name, Kind = definition.Kind.ToProto(), Template = definition.Template,
            MemoryMib = definition.MemoryMib, MemoryGuaranteePercent = definition.MemoryGuaranteePercent, Vcpus = definition.VCpus,
            CpuLimitPercent = definition.CpuLimitPercent, Hostname = definition.Hostname, DiskGib = definition.DiskGib,
            RootPassword = definition.RootPassword ?? "",
        };
        spec.IpAddresses.Add(definition.IpAddresses ?? []);
        return await Instance(() => client.CreateInstanceAsync(new CreateInstanceRequest { OperationId = operationId, Spec = spec }, cancellationToken: cancellationToken));
    }

    public Task<InstanceInfo> StartAsync(string instanceId, string operationId, CancellationToken cancellationToken) =>
        Instance(() => client.StartInstanceAsync(new InstanceOperation { OperationId = operationId, InstanceId = instanceId }, cancellationToken: cancellationToken));

    public Task<InstanceInfo> StopAsync(string instanceId, StopMode mode, TimeSpan gracefulTimeout, string operationId, CancellationToken cancellationToken) =>
        Instance(() => client.StopInstanceAsync(new StopInstanceRequest
        {
            OperationId = operationId, InstanceId = instanceId, Force = mode == StopMode.Forced, TimeoutSeconds = (int)gracefulTimeout.TotalSeconds,
        }, cancellationToken: cancellationToken));

    public Task<InstanceInfo> RestartAsync(string instanceId, string operationId, CancellationToken cancellationToken) =>
        Instance(() => client.RestartInstanceAsync(new InstanceOperation { OperationId = operationId, InstanceId = instanceId }, cancellationToken: cancellationToken));

    public Task DeleteAsync(string instanceId, bool keepVolumes, string operationId, CancellationToken cancellationToken) =>
        Call(() => client.DeleteInstanceAsync(new DeleteInstanceRequest { OperationId = operationId, InstanceId = instanceId, KeepVolumes = keepVolumes }, cancellationToken: cancellationToken));

    public Task<InstanceInfo> SetMemoryAsync(string instanceId, long memoryMib, string operationId, CancellationToken cancellationToken) =>
        Instance(() => client.SetMemoryAsync(new SetMemoryRequest { OperationId = operationId, InstanceId = instanceId, MemoryMib = memoryMib }, cancellationToken: cancellationToken));

    public Task<InstanceInfo> SetMemoryGuaranteeAsync(string instanceId, int percent, string operationId, CancellationToken cancellationToken) =>
        Instance(() => client.SetMemoryGuaranteeAsync(new SetMemoryGuaranteeRequest { OperationId = operationId, InstanceId = instanceId, Percent = percent }, cancellationToken: cancellationToken));

    public Task<InstanceInfo> SetVCpusAsync(string instanceId, int vcpus, string operationId, CancellationToken cancellationToken) =>
        Instance(() => client.SetVCpusAsync(new SetVCpusRequest { OperationId = operationId, InstanceId = instanceId, Vcpus = vcpus }, cancellationToken: cancellationToken));

    public Task<InstanceInfo> ResizeDiskAsync(string instanceId, long diskGib, string operationId, CancellationToken cancellationToken) =>
        Instance(() => client.ResizeDiskAsync(new ResizeDiskRequest { OperationId = operationId, InstanceId = instanceId, DiskGib = diskGib }, cancellationToken: cancellationToken));

    public async Task<ExecResult> ExecAsync(string instanceId, ExecCommand command, string? operationId, CancellationToken cancellationToken)
    {
        var request = new ExecRequest
        {
            OperationId = operationId ?? "", InstanceId = instanceId, TimeoutSeconds = (int)Math.Ceiling(command.Timeout.TotalSeconds),
            Stdin = ByteString.CopyFrom(command.Stdin ?? []),
        };
        request.Argv.Add(command.Argv);
        return (await Call(() => client.ExecAsync(request, cancellationToken: cancellationToken))).ToEngine();
    }

    public Task<InstanceInfo> SetUserPasswordAsync(string instanceId, string user, string password, string operationId, CancellationToken cancellationToken) =>
        Instance(() => client.SetUserPasswordAsync(new SetUserPasswordRequest { OperationId = operationId, InstanceId = instanceId, User = user, Password = password }, cancellationToken: cancellationToken));

    public async Task<GuestNetworkConfig> GetGuestNetworkAsync(string instanceId, CancellationToken cancellationToken) =>
        (await Call(() => client.GetGuestNetworkAsync(new InstanceRef { InstanceId = instanceId }, cancellationToken: cancellationToken))).ToEngine();

    public Task<InstanceInfo> SetGuestNetworkAsync(string instanceId, GuestNetworkConfig network, string operationId, CancellationToken cancellationToken) =>
        Instance(() => client.SetGuestNetworkAsync(new SetGuestNetworkRequest { OperationId = operationId, InstanceId = instanceId, Network = network.ToProto() }, cancellationToken: cancellationToken));

    public async Task<VzPanel.Agent.Engines.GuestInfo> GetGuestInfoAsync(string instanceId, CancellationToken cancellationToken) =>
        (await Call(() => client.GetGuestInfoAsync(new InstanceRef { InstanceId = instanceId }, cancellationToken: cancellationToken))).ToEngine();

    public async Task<InstanceCounters> GetCountersAsync(string instanceId, CancellationToken cancellationToken) =>
        (await Call(() => client.GetCountersAsync(new InstanceRef { InstanceId = instanceId }, cancellationToken: cancellationToken))).ToEngine();

    public async Task<KsmStatistics> GetKsmStatsAsync(CancellationToken cancellationToken) =>
        (await Call(() => client.GetKsmStatsAsync(new GetKsmStatsRequest(), cancellationToken: cancellationToken))).ToEngine();

    public async Task<IReadOnlyList<StoragePoolInfo>> ListStoragePoolsAsync(CancellationToken cancellationToken) =>
        (await Call(() => client.ListStoragePoolsAsync(new ListStoragePoolsRequest(), cancellationToken: cancellationToken))).Pools.Select(p => p.ToEngine()).ToList();

    public async Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(string? pool, CancellationToken cancellationToken) =>
        (await Call(() => client.ListVolumesAsync(new ListVolumesRequest { Pool = pool ?? "" }, cancellationToken: cancellationToken))).Volumes.Select(v => v.ToEngine()).ToList();

    public async Task<IEngineEventStream> WatchEventsAsync(CancellationToken cancellationToken)
    {
        var call = client.WatchEvents(new WatchEventsRequest(), cancellationToken: cancellationToken);
        await call.ResponseHeadersAsync; // the agent sends headers once its subscription is live
        return new Stream(call);
    }

    private sealed class Stream(AsyncServerStreamingCall<AgentEvent> call) : IEngineEventStream
    {
        public async IAsyncEnumerable<EngineEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            while (await MoveNextAsync(cancellationToken))
                yield return call.ResponseStream.Current.ToEngine();
        }

        private async Task<bool> MoveNextAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await call.ResponseStream.MoveNext(cancellationToken);
            }
            catch (RpcException failure) when (failure.StatusCode == StatusCode.Cancelled || cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(failure.Message, failure, cancellationToken);
            }
        }

        public ValueTask DisposeAsync()
        {
            call.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    // Migration over the wire: the target's half is plain calls; the transfer itself needs two agents (AgentMigrationTests).
    public async Task<IncomingMigration> PrepareIncomingAsync(InstanceDefinition definition, MigrationMode mode, string operationId, CancellationToken cancellationToken)
    {
        var spec = new InstanceSpec
        {
            Id = definition.Id, Name = definition.Name, Kind = definition.Kind.ToProto(), Template = definition.Template,
            MemoryMib = definition.MemoryMib, MemoryGuaranteePercent = definition.MemoryGuaranteePercent, Vcpus = definition.VCpus, DiskGib = definition.DiskGib,
        };
        var target = await Call(() => client.PrepareMigrationTargetAsync(
            new PrepareMigrationTargetRequest { OperationId = operationId, Spec = spec, Mode = mode.ToProto() }, cancellationToken: cancellationToken));
        return new IncomingMigration(target.Engine.ToDictionary());
    }

    public Task AcceptIncomingAsync(string instanceId, System.IO.Stream payload, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a transfer arrives on the migration listener, not over NodeAgent");

    public Task<MigrationOutcome> MigrateOutAsync(string instanceId, OutgoingMigration migration, IMigrationTransport transport,
        Action<MigrationProgress> progress, string operationId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the agent builds its own transport; see AgentMigrationTests");

    public Task<InstanceInfo> CompleteIncomingAsync(string instanceId, bool start, string operationId, CancellationToken cancellationToken) =>
        Instance(() => client.CompleteMigrationTargetAsync(
            new CompleteMigrationTargetRequest { OperationId = operationId, InstanceId = instanceId, Start = start }, cancellationToken: cancellationToken));

    public Task AbortIncomingAsync(string instanceId, string operationId, CancellationToken cancellationToken) =>
        Call(() => client.AbortMigrationTargetAsync(new InstanceOperation { OperationId = operationId, InstanceId = instanceId }, cancellationToken: cancellationToken));

    private static async Task<InstanceInfo> Instance(Func<AsyncUnaryCall<OperationReply>> call) => (await Call(call)).Instance.ToEngine();

    /// <summary>gRPC statuses back to engine codes: the inverse of the agent's mapping.</summary>
    private static async Task<T> Call<T>(Func<AsyncUnaryCall<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException failure) when (ToCode(failure.StatusCode) is { } code)
        {
            throw new EngineException(code, failure.Status.Detail);
        }
    }

    private static EngineErrorCode? ToCode(StatusCode status) => status switch
    {
        StatusCode.NotFound => EngineErrorCode.NotFound,
        StatusCode.InvalidArgument => EngineErrorCode.InvalidArgument,
        StatusCode.ResourceExhausted => EngineErrorCode.InsufficientResources,
        StatusCode.FailedPrecondition => EngineErrorCode.WrongState,
        StatusCode.Unavailable => EngineErrorCode.Unavailable,
        StatusCode.DeadlineExceeded => EngineErrorCode.Timeout,
        _ => null,
    };
}
