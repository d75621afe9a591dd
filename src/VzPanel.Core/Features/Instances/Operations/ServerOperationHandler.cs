using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Operations.Jobs;

namespace VzPanel.Core.Features.Instances.Operations;

/// <summary>
/// What every operation on one server shares: put the server in its transitional state, run the kind's steps on its
/// node, then end operation and server together as the node reports it (<see cref="ServerOperationStore"/>).
/// A kind says only what differs: its steps, its transitional state, and whether it removes the server.
/// </summary>
public abstract class ServerOperationHandler<TParameters>(ServerOperationStore store) : IOperationHandler where TParameters : OperationParameters
{
    public abstract OperationKind Kind { get; }
    public Type ParametersType => typeof(TParameters);

    /// <summary>The state the server shows while the job runs (Starting, Stopping, Deleting); null keeps the one it has.</summary>
    protected virtual InstanceState? Transitional => null;

    /// <summary>Success means the node no longer has the server: its row goes too.</summary>
    protected virtual bool RemovesServer => false;

    /// <summary>Success changed the server's disks: the node's volumes are read and recorded.</summary>
    protected virtual bool ChangesVolumes => false;

    /// <summary>The node calls; the server as the node reports it afterwards, or why not.</summary>
    protected abstract Task<Result<InstanceOnNode?>> RunStepsAsync(ServerSteps steps, TParameters parameters, CancellationToken ct);

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        if (await store.TargetAsync(run.Operation, Transitional, ct) is not { } target) return;
        var outcome = await RunStepsAsync(new ServerSteps(run, target), (TParameters)run.Operation.Parameters, ct);
        if (outcome.IsSuccess) await store.SucceedAsync(run.Operation, target, outcome.Value, RemovesServer, ChangesVolumes, ct);
        else await store.FailAsync(run.Operation, outcome.Error!, ct);
    }

    public Task AbandonAsync(Operation operation, string reason, CancellationToken ct) =>
        store.FailAsync(operation, new Error(ErrorCodes.NodeFailed, reason), ct);
}
