using System.ComponentModel.DataAnnotations;

namespace VzPanel.Web.Security.Sessions;

/// <summary>
/// Sign-in sessions (<c>Identity:Sessions</c>). The cookie's sliding 12 hours end an idle browser; the absolute
/// lifetime ends any session however busy, so a stolen cookie cannot be kept alive forever.
/// </summary>
public sealed class PanelSessionOptions
{
    public const string Section = "Identity:Sessions";

    /// <summary>Hours a session may last from sign-in, whatever its activity.</summary>
    [Range(1, 8760)]
    public int AbsoluteLifetimeHours { get; init; } = 168;

    /// <summary>How often a cookie's security stamp is compared with the user's (a password change, a lock).</summary>
    [Range(1, 60)]
    public int SecurityStampCheckMinutes { get; init; } = 1;

    /// <summary>How often open Blazor circuits re-check their user and session.</summary>
    [Range(1, 60)]
    public int CircuitCheckMinutes { get; init; } = 1;

    /// <summary>How often the live connections to <c>/hubs/*</c> are checked against their sessions.</summary>
    [Range(1, 3600)]
    public int HubCheckSeconds { get; init; } = 30;

    public TimeSpan AbsoluteLifetime => TimeSpan.FromHours(AbsoluteLifetimeHours);
}
