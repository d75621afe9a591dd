using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing;

/// <summary>
/// One stretch of time during which an instance ran at one size. A resize closes the open segment and opens
/// the next at the moment the node confirms, so the bill follows what really ran.
/// </summary>
public sealed class UsageSegment : ITenantOwned
{
    public long Id { get; private set; }
    public Guid InstanceId { get; init; }

    /// <summary>Copied from the instance so usage stays with the tenant that ran it, even after deletion.</summary>
    public Guid TenantId { get; init; }

    public long MemoryMiB { get; init; }
    public int VCpus { get; init; }
    public DateTimeOffset From { get; init; }

    /// <summary>Null while the segment is open.</summary>
    public DateTimeOffset? To { get; set; }

    Guid? ITenantOwned.OwnerTenantId => TenantId;
}
