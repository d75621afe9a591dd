namespace VzPanel.Core.Features.Nodes.Enrollment;

/// <summary>
/// A one-time, expiring permission for one node's agent to enroll. Only a hash of the secret is kept;
/// the secret itself is shown once, to the admin who created the token.
/// </summary>
public sealed class JoinToken
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public Guid NodeId { get; init; }
    public required byte[] SecretHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
    public required string CreatedBy { get; init; }
    public uint Version { get; private set; }
}
