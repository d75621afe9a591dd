namespace VzPanel.Core.Features.GuestTools;

/// <summary>What a server's guest tools say about it: whether they answer, the OS, memory, and which tools apply.</summary>
/// <param name="AgentResponding">The guest agent (VM) or the container answers.</param>
/// <param name="UnavailableReason">When it does not, why, for people ("the guest is stopped").</param>
/// <param name="MemorySeenMiB">The memory the guest sees (0 when unknown).</param>
/// <param name="MemoryAvailableMiB">What the guest could give back right now (MemAvailable).</param>
public sealed record GuestInfoView(
    bool AgentResponding, string? UnavailableReason, string? OsId, string? OsName, string? OsVersion, string? KernelRelease,
    long MemorySeenMiB, long MemoryAvailableMiB, IReadOnlyList<GuestToolView> Tools)
{
    /// <summary>The tools do not answer, for a reason the panel knows without asking the node (the server is still being built).</summary>
    public static GuestInfoView Silent(string reason) =>
        new(false, reason, null, null, null, null, 0, 0, [.. GuestToolNames.All.Select(n => new GuestToolView(n, false, reason))]);
}

/// <summary>One guest tool; when <paramref name="Available"/> is false, <paramref name="Reason"/> says why.</summary>
public sealed record GuestToolView(string Name, bool Available, string? Reason);

/// <summary>The tool names agents report.</summary>
public static class GuestToolNames
{
    public const string Exec = "exec";
    public const string SetPassword = "set-password";
    public const string Network = "network";
    public const string SidChange = "sid-change";

    public static readonly IReadOnlyList<string> All = [Exec, SetPassword, Network, SidChange];
}
