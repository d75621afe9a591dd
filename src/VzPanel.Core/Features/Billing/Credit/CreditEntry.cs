using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing.Credit;

/// <summary>
/// One line of a tenant's credit ledger: money an administrator added (positive) or took back as a correction
/// (negative), in whole cents, with the reason. Lines are never changed or removed; a mistake is corrected by another line.
/// </summary>
public sealed class CreditEntry : ITenantOwned
{
    public long Id { get; private set; }
    public Guid TenantId { get; init; }
    public decimal Amount { get; init; }
    public required string Currency { get; init; }
    public required string Note { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    Guid? ITenantOwned.OwnerTenantId => TenantId;
}

/// <summary>
/// Where a prepaid tenant stands with its balance, as the enforcement last saw it: since when it is low, since when it
/// is used up, and whether the panel suspended it for that (so only that suspension is lifted when credit returns).
/// </summary>
public sealed class PrepaidStanding : ITenantOwned
{
    public Guid TenantId { get; init; }
    public DateTimeOffset? LowSince { get; set; }
    public DateTimeOffset? ExhaustedSince { get; set; }
    public DateTimeOffset? SuspendedForNonPaymentAt { get; set; }

    Guid? ITenantOwned.OwnerTenantId => TenantId;
}

/// <summary>A server the panel stopped because its tenant's credit ran out: started again, and forgotten, when credit returns.</summary>
public sealed class NonPaymentStop : ITenantOwned
{
    public Guid InstanceId { get; init; }
    public Guid TenantId { get; init; }
    public DateTimeOffset StoppedAt { get; init; }

    Guid? ITenantOwned.OwnerTenantId => TenantId;
}
