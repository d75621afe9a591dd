namespace VzPanel.Core.Features.Identity.Mfa;

/// <summary>One of a user's ten one-time MFA recovery codes, kept as a hash; used once, then spent.</summary>
public sealed class RecoveryCode
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }
    public required byte[] CodeHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
}
