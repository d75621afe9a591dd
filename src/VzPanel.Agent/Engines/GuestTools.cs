namespace VzPanel.Agent.Engines;

/// <summary>Which guest tools apply to a guest, so every engine names them and their refusals alike.</summary>
public static class GuestTools
{
    public const string Exec = "exec";
    public const string SetPassword = "set-password";
    public const string Network = "network";
    public const string SidChange = "sid-change";

    public static bool IsWindows(string osId) => osId.Equals("mswindows", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<GuestTool> For(string osId) =>
    [
        new(Exec, true),
        new(SetPassword, true),
        new(Network, true),
        IsWindows(osId)
            ? new(SidChange, false, "SID change needs sysprep inside the Windows guest, which this version does not drive yet")
            : new(SidChange, false, "SID change applies to Windows guests only; this guest runs Linux"),
    ];

    /// <summary>Every tool refused with the same reason (guest stopped, agent silent).</summary>
    public static IReadOnlyList<GuestTool> AllUnavailable(string reason) =>
        [new(Exec, false, reason), new(SetPassword, false, reason), new(Network, false, reason), new(SidChange, false, reason)];
}
