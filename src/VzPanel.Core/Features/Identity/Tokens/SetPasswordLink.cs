namespace VzPanel.Core.Features.Identity.Tokens;

/// <summary>A one-time link that lets a user choose a password: for a new account or a reset. Only its hash is kept.</summary>
public sealed class SetPasswordLink
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }
    public required byte[] SecretHash { get; init; }
    public SetPasswordPurpose Purpose { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; set; }

    public bool IsUsableAt(DateTimeOffset now) => UsedAt is null && now < ExpiresAt;
}

public enum SetPasswordPurpose { Welcome, Reset }
