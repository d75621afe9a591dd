namespace VzPanel.Core.Features.Migration;

/// <summary>
/// An administrator's order to move a server. Without a target, placement picks one. Live moves pause the server for
/// at most <c>MaxDowntimeMs</c> at the switch-over (default 300 ms); <c>BandwidthMibPerSecond</c> 0 leaves the link free.
/// </summary>
public sealed record MigrateCommand(Guid? TargetNodeId = null, int? MaxDowntimeMs = null, int? BandwidthMibPerSecond = null)
{
    public const int DefaultMaxDowntimeMs = 300;
}
