namespace VzPanel.Core.Features.Identity.Sessions;

/// <summary>
/// One signed-in browser. The cookie names the session; ending the row (sign-out elsewhere, a password change, an admin
/// lock) ends that browser's access on its next request, and the absolute lifetime ends it regardless of activity.
/// </summary>
public sealed class UserSession
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset LastSeenAt { get; set; }
    public string? SourceAddress { get; init; }
    public string? UserAgent { get; init; }
    public DateTimeOffset? EndedAt { get; set; }

    public bool IsLiveAt(DateTimeOffset now) => EndedAt is null && now < ExpiresAt;
}
