using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using VzPanel.Agent.Contracts;
using VzPanel.Agent.Engines.Migration;
using Proto = VzPanel.Agent.Contracts;

namespace VzPanel.Agent.Grpc;

public sealed partial class NodeAgentService
{
    public override async Task<MigrationTarget> PrepareMigrationTarget(PrepareMigrationTargetRequest request, ServerCallContext context)
    {
        var spec = request.Spec ?? new InstanceSpec();
        // The journal keeps the engine's answer; the ticket is added afresh on every reply and never journaled.
        var target = await operations.RunAsync(request.OperationId, nameof(PrepareMigrationTarget), Blank(request, r => r.OperationId = ""),
            MigrationTarget.Parser, reply => reply, async () =>
            {
                var incoming = await engine.PrepareIncomingAsync(spec.ToEngine(), request.Mode.ToEngine(), request.OperationId, context.CancellationToken);
                var reply = new MigrationTarget { OperationId = request.OperationId };
                foreach (var (key, value) in incoming.Engine) reply.Engine[key] = value;
                return reply;
            }, context);
        var (nodeId, address, ticket, expires) = await migrations.TargetAsync(spec.Id, context.CancellationToken);
        target.NodeId = nodeId;
        target.Address = address;
        target.Ticket = ticket;
        target.ExpiresAt = Timestamp.FromDateTimeOffset(expires);
        return target;
    }

    /// <summary>Runs on the agent's clock, not the call's: a panel that drops the call and asks again joins the same transfer.</summary>
    public override Task<MigrationReply> MigrateInstance(MigrateInstanceRequest request, ServerCallContext context)
    {
        var target = request.Target ?? new MigrationTarget();
        var orders = new OutgoingMigration(target.NodeId, request.Mode.ToEngine(), target.Engine, request.MaxDowntimeMs, request.BandwidthMibPerSecond);
        var transport = migrations.SenderTo(target.Address, target.NodeId, request.InstanceId, target.Ticket);
        return operations.RunAsync(request.OperationId, nameof(MigrateInstance), Blank(request, r => { r.OperationId = ""; r.Target = null; }),
            MigrationReply.Parser, reply => { reply.Replayed = true; return reply; }, async () =>
            {
                var started = DateTimeOffset.UtcNow;
                var outcome = await migrations.Outgoing.RunAsync(request.InstanceId,
                    (progress, ct) => engine.MigrateOutAsync(request.InstanceId, orders, transport, progress, request.OperationId, ct));
                return new MigrationReply
                {
                    OperationId = request.OperationId, Mode = outcome.Mode.ToProto(), TransferredBytes = outcome.TransferredBytes,
                    DowntimeMs = outcome.DowntimeMs, DurationMs = (long)(DateTimeOffset.UtcNow - started).TotalMilliseconds,
                    Source = outcome.Source.ToProto(),
                };
            }, context);
    }

    public override Task<Proto.MigrationProgress> GetMigrationProgress(InstanceRef request, ServerCallContext context) =>
        Task.FromResult(migrations.Outgoing.Progress(request.InstanceId).ToProto());

    public override Task<Proto.MigrationProgress> CancelMigration(InstanceRef request, ServerCallContext context)
    {
        var progress = migrations.Outgoing.Progress(request.InstanceId);
        migrations.Outgoing.Cancel(request.InstanceId);
        return Task.FromResult(progress.ToProto());
    }

    public override Task<OperationReply> CompleteMigrationTarget(CompleteMigrationTargetRequest request, ServerCallContext context) =>
        Once(request.OperationId, nameof(CompleteMigrationTarget), Blank(request, r => r.OperationId = ""), context,
            () => engine.CompleteIncomingAsync(request.InstanceId, request.Start, request.OperationId, context.CancellationToken));

    public override Task<OperationReply> AbortMigrationTarget(InstanceOperation request, ServerCallContext context) =>
        operations.RunAsync(request.OperationId, nameof(AbortMigrationTarget), Blank(request, r => r.OperationId = ""), OperationReply.Parser, Replayed,
            async () =>
            {
                await engine.AbortIncomingAsync(request.InstanceId, request.OperationId, context.CancellationToken);
                return new OperationReply { OperationId = request.OperationId, Message = "aborted" };
            }, context);
}
