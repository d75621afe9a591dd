using VzPanel.Core.Common;
using VzPanel.Core.Features.Nodes.Agents;
using VzPanel.Core.Features.Operations.Jobs;

namespace VzPanel.Core.Features.Instances.Operations;

/// <summary>
/// The agent calls of one server operation, each a numbered step. A step reports its progress, carries an operation id
/// derived from the operation and its number (<see cref="StepIds"/>), and, when the job runs again after a failure or a
/// reply was lost, first asks the node whether it already happened, so a re-run never applies anything twice.
/// </summary>
public sealed class ServerSteps(OperationRun run, ServerTarget target)
{
    public ServerTarget Target => target;
    public AgentNode Node => target.Node;
    public Guid InstanceId => target.InstanceId;

    /// <param name="number">Which step of the operation this is; its agent operation id derives from it.</param>
    /// <param name="done">Whether what the node reports shows the step already happened.</param>
    /// <param name="lookFirst">Ask the node before acting even on a first run (the step may not be needed at all).</param>
    public async Task<Result<InstanceOnNode?>> StepAsync(int number, int percent, string label, Func<InstanceOnNode?, bool> done,
        Func<AgentChange, Task<Result<InstanceOnNode?>>> act, bool lookFirst = false)
    {
        await run.Report(percent, label);
        return await act(new AgentChange(StepIds.For(run.Operation.Id, number), waiting => run.Report(percent, waiting))
            { AlreadyDone = done, LookFirst = lookFirst || run.Resumed, Label = label });
    }
}
