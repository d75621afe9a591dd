using Grpc.Core;
using Microsoft.Extensions.Options;
using VzPanel.Agent.Contracts;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Options;
using CoreKind = VzPanel.Core.Features.Instances.InstanceKind;
using ProtoKind = VzPanel.Agent.Contracts.InstanceKind;
using ProtoState = VzPanel.Agent.Contracts.InstanceState;

namespace VzPanel.Core.Features.Operations.Jobs;

/// <summary>What the job knows about the instance and its node when it calls the agent.</summary>
public sealed record StepTarget(
    Guid InstanceId, string Name, CoreKind Kind, string? Template, long MemoryMiB, int GuaranteePercent, int VCpus, int? CpuLimitPercent,
    string? Hostname, IReadOnlyList<string> IpAddresses, Guid NodeId, string NodeName, string NodeAddress, long DiskGiB)
{
    /// <summary>The instance as a node is told about it (without a root password).</summary>
    public VzPanel.Agent.Contracts.InstanceSpec ToSpec()
    {
        var spec = new VzPanel.Agent.Contracts.InstanceSpec
        {
            Id = InstanceId.ToString(), Name = Name, Kind = Kind == CoreKind.Vm ? ProtoKind.Vm : ProtoKind.Ct,
            Template = Template ?? "", MemoryMib = MemoryMiB, MemoryGuaranteePercent = GuaranteePercent, Vcpus = VCpus,
            CpuLimitPercent = CpuLimitPercent ?? 0, Hostname = Hostname ?? "", DiskGib = DiskGiB,
        };
        spec.IpAddresses.AddRange(IpAddresses);
        return spec;
    }
}

/// <summary>
/// The agent calls of each operation kind. Every step first checks, when the job runs again after a failure,
/// whether the node already did it, so a re-run never applies anything twice.
/// </summary>
public sealed class InstanceSteps(AgentClients agents, OperationSecrets secrets, IOptions<JobOptions> options, TimeProvider clock)
{
    /// <summary>Reports progress: percent and the step a person reads.</summary>
    public delegate Task Report(int percent, string step);

    /// <returns>The instance as the node reports it afterwards; null once deleted.</returns>
    public async Task<InstanceStatus?> RunAsync(Operation operation, StepTarget target, Report report, CancellationToken ct)
    {
        var o = options.Value;
        var client = agents.For(target.NodeId, target.NodeAddress);
        var call = new AgentCall(target.NodeName, TimeSpan.FromSeconds(o.AgentCallTimeoutSeconds),
            clock.GetUtcNow().AddSeconds(o.AgentRetryWindowSeconds), clock);
        var run = new StepRunner(client, call, target.InstanceId, resumed: operation.Attempts > 1, report, ct);
        var id = target.InstanceId.ToString();
        var p = operation.Parameters;
        string Step(int n) => StepIds.For(operation.Id, n);

        switch (operation.Kind)
        {
            case OperationKind.Create:
                var status = await run.StepAsync(10, $"Creating {target.Kind.ToString().ToUpperInvariant()} from {target.Template} on {target.NodeName}",
                    s => s is not null, opts => client.CreateInstanceAsync(new CreateInstanceRequest { OperationId = Step(0), Spec = Spec(target, p) }, opts));
                if (!p.Start) return status;
                return await run.StepAsync(60, "Starting", s => s?.State == ProtoState.Running,
                    opts => client.StartInstanceAsync(new InstanceOperation { OperationId = Step(1), InstanceId = id }, opts));
            case OperationKind.Start:
                return await run.StepAsync(20, $"Starting on {target.NodeName}", s => s?.State == ProtoState.Running,
                    opts => client.StartInstanceAsync(new InstanceOperation { OperationId = Step(0), InstanceId = id }, opts));
            case OperationKind.Stop:
                return await run.StepAsync(20, p.Force ? "Powering off" : $"Shutting down (powered off after {o.GracefulStopSeconds} s)",
                    s => s?.State == ProtoState.Stopped,
                    opts => client.StopInstanceAsync(new StopInstanceRequest
                        { OperationId = Step(0), InstanceId = id, Force = p.Force, TimeoutSeconds = o.GracefulStopSeconds }, opts));
            case OperationKind.Restart:
                return await run.StepAsync(20, "Restarting", _ => false,
                    opts => client.RestartInstanceAsync(new InstanceOperation { OperationId = Step(0), InstanceId = id }, opts));
            case OperationKind.Delete:
                try
                {
                    // A running server is powered off first; the person confirmed the delete, not a shutdown wait.
                    await run.StepAsync(10, "Powering off", s => s is null || s.State == ProtoState.Stopped,
                        opts => client.StopInstanceAsync(new StopInstanceRequest { OperationId = Step(1), InstanceId = id, Force = true }, opts), lookFirst: true);
                    await run.StepAsync(40, $"Deleting from {target.NodeName}", s => s is null,
                        opts => client.DeleteInstanceAsync(new DeleteInstanceRequest { OperationId = Step(0), InstanceId = id, KeepVolumes = p.KeepVolumes }, opts));
                }
                catch (AgentException failure) when (failure.Status == StatusCode.NotFound)
                {
                    // Already gone from the node: deleting it from the inventory is all that is left.
                }
                return null;
            case OperationKind.SetMemory:
                return await run.StepAsync(20, $"Setting memory to {p.MemoryMiB} MiB live", s => s?.MemoryMib == p.MemoryMiB,
                    opts => client.SetMemoryAsync(new SetMemoryRequest { OperationId = Step(0), InstanceId = id, MemoryMib = p.MemoryMiB!.Value }, opts));
            case OperationKind.SetMemoryGuarantee:
                return await run.StepAsync(20, $"Setting the memory guarantee to {p.GuaranteePercent}%", s => s?.MemoryGuaranteePercent == p.GuaranteePercent,
                    opts => client.SetMemoryGuaranteeAsync(new SetMemoryGuaranteeRequest { OperationId = Step(0), InstanceId = id, Percent = p.GuaranteePercent!.Value }, opts));
            case OperationKind.SetVCpus:
                return await run.StepAsync(20, $"Setting vCPUs to {p.VCpus}", s => s?.Vcpus == p.VCpus,
                    opts => client.SetVCpusAsync(new SetVCpusRequest { OperationId = Step(0), InstanceId = id, Vcpus = p.VCpus!.Value }, opts));
            case OperationKind.ResizeDisk:
                return await run.StepAsync(20, $"Growing the disk to {p.DiskGiB} GiB on {target.NodeName}",
                    s => s?.DiskGib >= p.DiskGiB,
                    opts => client.ResizeDiskAsync(new ResizeDiskRequest { OperationId = Step(0), InstanceId = id, DiskGib = p.DiskGiB!.Value }, opts));
            default:
                throw new NotSupportedException($"{operation.Kind} is not an instance operation.");
        }
    }

    /// <summary>What the node reports for the instance now, or null when it does not have it (one quick try).</summary>
    public async Task<InstanceStatus?> ObserveAsync(StepTarget target, CancellationToken ct)
    {
        try
        {
            return await agents.For(target.NodeId, target.NodeAddress)
                .FindInstanceAsync(target.InstanceId, new CallOptions(deadline: clock.GetUtcNow().AddSeconds(5).UtcDateTime, cancellationToken: ct));
        }
        catch (RpcException)
        {
            throw new AgentException($"node {target.NodeName} could not be asked", StatusCode.Unavailable);
        }
    }

    private VzPanel.Agent.Contracts.InstanceSpec Spec(StepTarget t, OperationParameters p)
    {
        var spec = t.ToSpec();
        if (p.ProtectedRootPassword is { } secret) spec.RootPassword = secrets.Unprotect(secret);
        return spec;
    }

    private sealed class StepRunner(NodeAgent.NodeAgentClient client, AgentCall call, Guid instanceId, bool resumed, Report report, CancellationToken ct)
    {
        /// <param name="lookFirst">Ask the node before acting even on a first run (the step may not be needed at all).</param>
        public Task<InstanceStatus?> StepAsync(int percent, string label, Func<InstanceStatus?, bool> done, Func<CallOptions, AsyncUnaryCall<OperationReply>> act,
            bool lookFirst = false)
        {
            lookFirst |= resumed;
            return Reported();

            async Task<InstanceStatus?> Reported()
            {
                await report(percent, label);
                return await call.RunAsync(async opts =>
                {
                    // After a lost reply or a job re-run the node may already have done it (and lost its journal entry).
                    if (lookFirst || call.TransientFailures > 0)
                    {
                        var now = await client.FindInstanceAsync(instanceId, opts);
                        if (done(now)) return now;
                    }
                    lookFirst = false;
                    var reply = await act(opts);
                    return reply.Instance;
                }, step => report(percent, step), ct);
            }
        }
    }
}
