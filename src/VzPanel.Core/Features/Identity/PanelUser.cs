using Microsoft.AspNetCore.Identity;

namespace VzPanel.Core.Features.Identity;

/// <summary>A person who signs in. Customers carry the tenant they act for.</summary>
public sealed class PanelUser : IdentityUser<Guid>
{
    public PanelUser() => Id = Guid.CreateVersion7();

    public Guid? TenantId { get; set; }
    public string? DisplayName { get; set; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The TOTP secret, encrypted with the panel's data-protection keys; null until MFA setup starts.</summary>
    public string? TotpSecretProtected { get; set; }

    /// <summary>When the user confirmed MFA with a code; null while MFA is off or only half set up.</summary>
    public DateTimeOffset? MfaEnabledAt { get; set; }

    /// <summary>The last TOTP time step accepted, so a code seen once cannot be replayed within its window.</summary>
    public long? LastTotpTimeStep { get; set; }

    public bool MfaEnabled => MfaEnabledAt is not null;
}
