using System.ComponentModel.DataAnnotations;

namespace VzPanel.Web.Security;

/// <summary>
/// Sign-in rate limits (<c>Identity:SignInThrottle</c>), two token buckets: one per source address for every attempt
/// (tight: no address sprays passwords), one per user name for attempts from addresses that have not signed that user
/// in before (a trickle: nobody far away uses up an account's attempts, yet its owner at home is never held up by it).
/// </summary>
public sealed class SignInThrottleOptions
{
    public const string Section = "Identity:SignInThrottle";

    /// <summary>Attempts one address may make at once.</summary>
    [Range(1, 10_000)]
    public int AddressBurst { get; init; } = 10;

    /// <summary>Attempts per minute one address regains after its burst.</summary>
    [Range(1, 10_000)]
    public int AddressPerMinute { get; init; } = 6;

    /// <summary>Attempts on one user name from unfamiliar addresses at once; below the lockout threshold by default.</summary>
    [Range(1, 10_000)]
    public int UserBurst { get; init; } = 3;

    /// <summary>Minutes until a user name regains one attempt from unfamiliar addresses.</summary>
    [Range(1, 1440)]
    public int UserRefillMinutes { get; init; } = 5;

    /// <summary>How long an address that signed a user in stays familiar for that user.</summary>
    [Range(1, 365)]
    public int FamiliarForDays { get; init; } = 30;
}
