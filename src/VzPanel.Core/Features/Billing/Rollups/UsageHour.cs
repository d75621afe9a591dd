using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing.Rollups;

/// <summary>
/// One server's usage in one closed UTC hour: the integral of its segments clipped to that hour, stored so reads of long
/// periods need not integrate every segment again. Never a second truth: rolling the hour up again gives the same row.
/// </summary>
/// <remarks>
/// Keyed by server and hour, so an hour in which the server changed tenant, plan or currency is kept under the ones in
/// force at the end of the hour (its quantities and amount stay exact; only that attribution is coarser).
/// </remarks>
public sealed class UsageHour : ITenantOwned
{
    public Guid InstanceId { get; init; }
    public DateTimeOffset Hour { get; init; }
    public Guid TenantId { get; init; }
    public Guid PlanId { get; init; }
    public string Currency { get; init; } = "EUR";
    public decimal MemoryGiBHours { get; init; }
    public decimal GuaranteedGiBHours { get; init; }
    public decimal VCpuHours { get; init; }
    public decimal DiskGiBMonths { get; init; }

    /// <summary>Unrounded: statements round once per line.</summary>
    public decimal Amount { get; init; }

    Guid? ITenantOwned.OwnerTenantId => TenantId;
}

/// <summary>How far the hourly rollup has got: every hour before <see cref="RolledUpUntil"/> is in <c>usage_hourly</c>.</summary>
public sealed class UsageRollupState
{
    /// <summary>The single row's key (always 1).</summary>
    public int Id { get; init; } = 1;

    public DateTimeOffset RolledUpUntil { get; set; }
}
