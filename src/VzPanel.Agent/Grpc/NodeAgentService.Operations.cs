using Google.Protobuf;
using Grpc.Core;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Engines;

namespace VzPanel.Agent.Grpc;

public sealed partial class NodeAgentService
{
    public override Task<OperationReply> CreateInstance(CreateInstanceRequest request, ServerCallContext context) =>
        Once(request.OperationId, nameof(CreateInstance), Blank(request, r => { r.OperationId = ""; r.Spec?.RootPassword = ""; }), context,
            () => engine.CreateAsync((request.Spec ?? new InstanceSpec()).ToEngine(), request.OperationId, context.CancellationToken));

    public override Task<OperationReply> StartInstance(InstanceOperation request, ServerCallContext context) =>
        Once(request.OperationId, nameof(StartInstance), Blank(request, r => r.OperationId = ""), context,
            () => engine.StartAsync(request.InstanceId, request.OperationId, context.CancellationToken));

    public override Task<OperationReply> StopInstance(StopInstanceRequest request, ServerCallContext context) =>
        Once(request.OperationId, nameof(StopInstance), Blank(request, r => r.OperationId = ""), context,
            () => engine.StopAsync(request.InstanceId, request.Force ? StopMode.Forced : StopMode.Graceful,
                TimeSpan.FromSeconds(Math.Max(0, request.TimeoutSeconds)), request.OperationId, context.CancellationToken));

    public override Task<OperationReply> RestartInstance(InstanceOperation request, ServerCallContext context) =>
        Once(request.OperationId, nameof(RestartInstance), Blank(request, r => r.OperationId = ""), context,
            () => engine.RestartAsync(request.InstanceId, request.OperationId, context.CancellationToken));

    public override Task<OperationReply> DeleteInstance(DeleteInstanceRequest request, ServerCallContext context) =>
        operations.RunAsync(request.OperationId, nameof(DeleteInstance), Blank(request, r => r.OperationId = ""), OperationReply.Parser, Replayed,
            async () =>
            {
                await engine.DeleteAsync(request.InstanceId, request.KeepVolumes, request.OperationId, context.CancellationToken);
                return new OperationReply { OperationId = request.OperationId, Message = "deleted" };
            }, context);

    public override Task<OperationReply> SetMemory(SetMemoryRequest request, ServerCallContext context) =>
        Once(request.OperationId, nameof(SetMemory), Blank(request, r => r.OperationId = ""), context,
            () => engine.SetMemoryAsync(request.InstanceId, request.MemoryMib, request.OperationId, context.CancellationToken));

    public override Task<OperationReply> SetMemoryGuarantee(SetMemoryGuaranteeRequest request, ServerCallContext context) =>
        Once(request.OperationId, nameof(SetMemoryGuarantee), Blank(request, r => r.OperationId = ""), context,
            () => engine.SetMemoryGuaranteeAsync(request.InstanceId, request.Percent, request.OperationId, context.CancellationToken));

    public override Task<OperationReply> SetVCpus(SetVCpusRequest request, ServerCallContext context) =>
        Once(request.OperationId, nameof(SetVCpus), Blank(request, r => r.OperationId = ""), context,
            () => engine.SetVCpusAsync(request.InstanceId, request.Vcpus, request.OperationId, context.CancellationToken));

    public override Task<OperationReply> ResizeDisk(ResizeDiskRequest request, ServerCallContext context) =>
        Once(request.OperationId, nameof(ResizeDisk), Blank(request, r => r.OperationId = ""), context,
            () => engine.ResizeDiskAsync(request.InstanceId, request.DiskGib, request.OperationId, context.CancellationToken));

    public override Task<OperationReply> SetUserPassword(SetUserPasswordRequest request, ServerCallContext context) =>
        Once(request.OperationId, nameof(SetUserPassword), Blank(request, r => { r.OperationId = ""; r.Password = ""; }), context,
            () => engine.SetUserPasswordAsync(request.InstanceId, request.User, request.Password, request.OperationId, context.CancellationToken));

    public override Task<OperationReply> SetGuestNetwork(SetGuestNetworkRequest request, ServerCallContext context) =>
        Once(request.OperationId, nameof(SetGuestNetwork), Blank(request, r => r.OperationId = ""), context,
            () => engine.SetGuestNetworkAsync(request.InstanceId, (request.Network ?? new GuestNetwork()).ToEngine(), request.OperationId, context.CancellationToken));

    /// <summary>Exec is idempotent only when the caller sets an operation id.</summary>
    public override async Task<ExecReply> Exec(ExecRequest request, ServerCallContext context)
    {
        var command = new ExecCommand(request.Argv.ToList(), TimeSpan.FromSeconds(Math.Max(0, request.TimeoutSeconds)), request.Stdin.ToByteArray());
        async Task<ExecReply> Run() =>
            (await engine.ExecAsync(request.InstanceId, command, NullIfEmpty(request.OperationId), context.CancellationToken)).ToProto();

        if (string.IsNullOrEmpty(request.OperationId))
            return await Run();
        return await operations.RunAsync(request.OperationId, nameof(Exec), Blank(request, r => r.OperationId = ""), ExecReply.Parser,
            reply => reply, Run, context);
    }

    private Task<OperationReply> Once(string operationId, string method, IMessage fingerprint, ServerCallContext context, Func<Task<InstanceInfo>> run) =>
        operations.RunAsync(operationId, method, fingerprint, OperationReply.Parser, Replayed,
            async () => new OperationReply { OperationId = operationId, Instance = (await run()).ToProto() }, context);

    private static OperationReply Replayed(OperationReply reply)
    {
        reply.Replayed = true;
        return reply;
    }

    /// <summary>A copy of the request without its operation id and secrets: only its hash is journaled.</summary>
    private static T Blank<T>(T request, Action<T> blank) where T : IMessage<T>, IDeepCloneable<T>
    {
        var copy = request.Clone();
        blank(copy);
        return copy;
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
