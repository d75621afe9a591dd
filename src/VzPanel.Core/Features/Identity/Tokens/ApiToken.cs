namespace VzPanel.Core.Features.Identity.Tokens;

/// <summary>
/// A personal API token. The caller sees <c>vzp_…</c> once; the panel keeps only the SHA-256 of the secret and a short
/// public prefix to find the row without scanning hashes.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }
    public required string Name { get; init; }
    public ApiTokenScope Scope { get; init; }
    public required string Prefix { get; init; }
    public required byte[] SecretHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}

public enum ApiTokenScope { Read, Write }
