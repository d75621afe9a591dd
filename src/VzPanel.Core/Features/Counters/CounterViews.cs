using System.Text.Json.Serialization;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Counters;

/// <summary>
/// One beancounter-style row as the node reports it: the raw figures in <paramref name="Unit"/> ("pages" of 4 KiB,
/// "bytes" or "count"), plus the memory ones in MiB and what the resource measures.
/// </summary>
/// <param name="Held">In use now.</param>
/// <param name="MaxHeld">The peak since the server started (or the agent did).</param>
/// <param name="Barrier">The soft limit (for oomguarpages: the guarantee).</param>
/// <param name="Limit">The hard limit; <see cref="CounterUnits.UnlimitedFrom"/> and above mean none.</param>
/// <param name="FailCount">How often the server was refused this resource because it hit the limit.</param>
public sealed record CounterView(string Resource, long Held, long MaxHeld, long Barrier, long Limit, long FailCount, string Unit)
{
    public string? Description => CounterResources.Describe(Resource);

    /// <summary>Pages or bytes, shown in MiB.</summary>
    public bool IsMemory => Unit is CounterUnits.Pages or CounterUnits.Bytes;

    public bool IsUnlimited => CounterUnits.IsUnlimited(Limit);

    public double? HeldMiB => ToMiB(Held);
    public double? MaxHeldMiB => ToMiB(MaxHeld);
    public double? BarrierMiB => CounterUnits.IsUnlimited(Barrier) ? null : ToMiB(Barrier);
    public double? LimitMiB => IsUnlimited ? null : ToMiB(Limit);

    /// <summary>Held against the limit (0–1, above 1 when over it); null when there is no limit to compare with.</summary>
    public double? Share => IsUnlimited || Limit <= 0 ? null : (double)Held / Limit;

    /// <summary><paramref name="value"/> (a figure of this row) in MiB; null when the row counts things.</summary>
    public double? ToMiB(long value) => CounterUnits.ToMiB(value, Unit);
}

/// <summary>
/// One server's counters. When they could not be read (the server is still being built; in a node's view, the node
/// did not answer about it) <see cref="Unavailable"/> says why and there are no rows.
/// </summary>
/// <param name="OomKills">Processes the kernel's OOM killer ended in this server.</param>
public sealed record InstanceCountersView(
    Guid InstanceId, string Name, InstanceState State, IReadOnlyList<CounterView> Counters, long OomKills, string? Unavailable, DateTimeOffset ReadAt)
{
    public static InstanceCountersView Silent(Guid instanceId, string name, InstanceState state, string reason, DateTimeOffset at) =>
        new(instanceId, name, state, [], 0, reason, at);

    /// <summary>The physpages row: RAM in use against the server's memory.</summary>
    [JsonIgnore]
    public CounterView? PhysPages => Counters.FirstOrDefault(c => c.Resource == CounterResources.PhysPages);
}

/// <summary>
/// The counters of a node's running servers, by name, at most <see cref="CounterQueries.NodeLimit"/> of them;
/// <paramref name="NotShown"/> more run there without being read.
/// </summary>
public sealed record NodeCountersView(Guid NodeId, string NodeName, IReadOnlyList<InstanceCountersView> Instances, int NotShown, DateTimeOffset ReadAt);
