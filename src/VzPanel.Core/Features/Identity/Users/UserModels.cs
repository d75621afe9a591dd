namespace VzPanel.Core.Features.Identity.Users;

/// <summary>A new account. Without <see cref="Password"/> the answer carries a one-time set-password link instead.</summary>
public sealed record CreateUserRequest(string? UserName, string? Email, string? DisplayName, PanelRole? Role, Guid? TenantId, string? Password = null);

/// <summary>
/// Changes to an account; a null field stays as it is. A new staff role clears the tenant; a customer keeps its tenant
/// unless another is given.
/// </summary>
public sealed record UpdateUserRequest(string? Email = null, string? DisplayName = null, PanelRole? Role = null, Guid? TenantId = null);

/// <summary>What the panel shows of an account: never its password hash, security stamp or MFA secret.</summary>
public sealed record UserView(
    Guid Id, string UserName, string? Email, string? DisplayName, PanelRole? Role, Guid? TenantId, string? TenantName,
    bool Locked, DateTimeOffset? LockedUntil, bool MfaEnabled, DateTimeOffset CreatedAt);

/// <summary>A created account and, when no password was given, the link that lets its owner choose one.</summary>
public sealed record CreatedUser(UserView User, IssuedPasswordLink? Link);

/// <summary>
/// A set-password link as issued: <see cref="Token"/> is the secret, shown once and never stored (only its SHA-256 is).
/// <see cref="Path"/> is relative to the panel's address.
/// </summary>
public sealed record IssuedPasswordLink(string Token, DateTimeOffset ExpiresAt)
{
    public const string PagePath = "/account/set-password";
    public string Path => $"{PagePath}?token={Token}";
}

/// <summary>One account with its tokens and sessions, for its admin page.</summary>
public sealed record UserDetail(UserView User, IReadOnlyList<UserTokenView> Tokens, IReadOnlyList<UserSessionView> Sessions);

public sealed record UserTokenView(Guid Id, string Name, string Scope, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt);

public sealed record UserSessionView(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, string? SourceAddress, string? UserAgent, DateTimeOffset? EndedAt);
