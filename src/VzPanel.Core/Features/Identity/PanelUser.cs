using Microsoft.AspNetCore.Identity;

namespace VzPanel.Core.Features.Identity;

/// <summary>A person who signs in. Customers carry the tenant they act for.</summary>
public sealed class PanelUser : IdentityUser<Guid>
{
    public PanelUser() => Id = Guid.CreateVersion7();

    public Guid? TenantId { get; set; }
    public string? DisplayName { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
