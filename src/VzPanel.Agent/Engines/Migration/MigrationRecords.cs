namespace VzPanel.Agent.Engines.Migration;

public enum MigrationMode { Live, Cold, Offline }

/// <summary>What the target engine hands the source: engine specifics such as libvirt's URIs (empty for engines that stream).</summary>
public sealed record IncomingMigration(IReadOnlyDictionary<string, string> Engine);

/// <summary>The source's orders: where to, how, and within which limits.</summary>
public sealed record OutgoingMigration(
    string TargetNodeId,
    MigrationMode Mode,
    IReadOnlyDictionary<string, string> TargetEngine,
    int MaxDowntimeMs,
    int BandwidthMibPerSecond);

/// <summary>How a transfer went. <c>DowntimeMs</c> is how long the instance ran nowhere.</summary>
public sealed record MigrationOutcome(MigrationMode Mode, long TransferredBytes, long DowntimeMs, InstanceInfo Source);

/// <summary>A transfer under way, as the source sees it.</summary>
public sealed record MigrationProgress(string Phase, long TotalBytes, long TransferredBytes, long RemainingBytes, long DirtyBytesPerSecond)
{
    public int Percent => TotalBytes <= 0 ? 0 : (int)Math.Clamp(TransferredBytes * 100 / TotalBytes, 0, 100);
}

/// <summary>
/// The agents' own channel to the target (TLS, the target's certificate checked, a one-time ticket presented),
/// for engines that move an instance as a byte stream (sim, LXC). Libvirt moves VMs itself and does not use it.
/// </summary>
public interface IMigrationTransport
{
    /// <summary>Opens the channel, lets <paramref name="write"/> fill it, and waits until the target has taken it all in.</summary>
    /// <returns>The bytes sent.</returns>
    Task<long> SendAsync(Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken);
}
