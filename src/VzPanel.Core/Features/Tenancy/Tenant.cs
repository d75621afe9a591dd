using VzPanel.Core.Features.Billing;

namespace VzPanel.Core.Features.Tenancy;

/// <summary>A customer account. Its servers, usage and history are visible only to it and to staff.</summary>
public sealed class Tenant : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string? ContactEmail { get; set; }
    public Guid PlanId { get; set; }
    public Plan? Plan { get; private set; }
    public TenantState State { get; set; } = TenantState.Active;
    public TenantQuotas Quotas { get; set; } = TenantQuotas.None;
    public DateTimeOffset CreatedAt { get; init; }
    public uint Version { get; private set; }

    Guid? ITenantOwned.OwnerTenantId => Id;
}

public enum TenantState { Active, Suspended }
