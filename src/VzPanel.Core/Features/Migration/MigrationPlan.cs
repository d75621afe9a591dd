using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Migration;

/// <summary>
/// How a server would move: live (it keeps running; VMs through QEMU, containers through CRIU), cold (a
/// container stops, its files travel, it starts on the target) or offline (it is stopped anyway; only its files move).
/// </summary>
public enum MigrationMode { Live, Cold, Offline }

/// <summary>One pre-check: its name, whether it passed, and what it found in words.</summary>
public sealed record MigrationCheck(string Name, bool Passed, string Detail);

/// <summary>
/// What a migration would do, decided before anything changes (the dry run): the target, the mode and why, the
/// expected transfer, and every pre-check. It may go ahead only when all checks passed.
/// </summary>
public sealed record MigrationPlan(
    Guid InstanceId,
    string InstanceName,
    InstanceKind Kind,
    string SourceNode,
    Guid TargetNodeId,
    string TargetNode,
    MigrationMode Mode,
    string ModeReason,
    long ExpectedTransferMiB,
    IReadOnlyList<MigrationCheck> Checks)
{
    public bool CanMigrate => Checks.All(c => c.Passed);

    public IReadOnlyList<string> Blockers => [.. Checks.Where(c => !c.Passed).Select(c => c.Detail)];
}
