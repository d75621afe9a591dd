namespace VzPanel.Core.Features.Tenancy;

/// <summary>
/// What one customer may run at most, summed over all its servers. A null limit means no limit, so a tenant
/// created without quotas behaves as tenants did before quotas existed.
/// </summary>
public sealed record TenantQuotas
{
    public static readonly TenantQuotas None = new();

    public int? MaxServers { get; init; }
    public long? MaxMemoryMiB { get; init; }
    public long? MaxGuaranteedMiB { get; init; }
    public int? MaxVCpus { get; init; }
    public long? MaxDiskGiB { get; init; }
}
