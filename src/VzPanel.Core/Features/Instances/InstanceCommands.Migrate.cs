using VzPanel.Core.Common;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Migration;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Core.Features.Instances;

public sealed partial class InstanceCommands
{
    /// <summary>Queues a migration once the dry run's checks all pass; the operation carries the plan's target and mode.</summary>
    public Task<Result<OperationView>> MigrateAsync(Guid instanceId, MigrateCommand command, CancellationToken ct) =>
        RequestAsync(instanceId, OperationKind.Migrate, async (_, i) =>
        {
            if (access.Scope.Role is PanelRole.Customer)
                return Error.Forbidden("Moving servers between nodes is up to the provider's administrators.");
            if (command.MaxDowntimeMs is < 10 or > 60_000)
                return Error.Validation("maxDowntimeMs", "The longest pause at switch-over must be between 10 and 60,000 ms.");
            if (command.BandwidthMibPerSecond is < 0 or > 100_000)
                return Error.Validation("bandwidthMibPerSecond", "Bandwidth is in MiB/s, from 0 (unlimited) to 100,000.");
            var planned = await planner.DryRunAsync(instanceId, command.TargetNodeId, ct);
            if (!planned.IsSuccess) return planned.Error!;
            var plan = planned.Value!;
            if (!plan.CanMigrate)
                return Error.Conflict($"{i.Name} cannot move to {plan.TargetNode}: {string.Join("; ", plan.Blockers)}.");
            var run = new MigrationRun(i.NodeId, plan.SourceNode, plan.TargetNodeId, plan.TargetNode, plan.Mode, i.State == InstanceState.Running,
                command.MaxDowntimeMs ?? MigrateCommand.DefaultMaxDowntimeMs, command.BandwidthMibPerSecond ?? 0)
                { TotalBytes = plan.ExpectedTransferMiB << 20 };
            return new Decision(new MigrateParameters(), $"Migrate {i.Name} from {plan.SourceNode} to {plan.TargetNode} ({plan.Mode.ToString().ToLowerInvariant()})", run);
        }, ct);
}
