using System.Globalization;
using VzPanel.Core.Common;
using VzPanel.Core.Data;

namespace VzPanel.Core.Features.Tenancy;

/// <summary>What a create or resize adds to a tenant's holdings; only the growing parts are checked.</summary>
public sealed record QuotaAsk(int Servers = 0, long MemoryMiB = 0, long GuaranteedMiB = 0, int VCpus = 0, long DiskGiB = 0);

/// <summary>
/// The one check of a tenant's quotas, for every create and resize, whoever asks (staff creating for a tenant are
/// bound too). A request that shrinks something, or leaves it, never fails on that quota: a tenant over a lowered quota
/// can still come back under it.
/// </summary>
public static class TenantQuotaAdmission
{
    public static async Task<Error?> CheckAsync(VzPanelDbContext db, Tenant tenant, QuotaAsk ask, CancellationToken ct)
    {
        var q = tenant.Quotas;
        if (q == TenantQuotas.None) return null;
        var usage = await TenantUsage.OfAsync(db, tenant.Id, ct);
        return Check(tenant.Name, q, usage, ask);
    }

    public static Error? Check(string tenantName, TenantQuotas q, TenantUsage usage, QuotaAsk ask) =>
        Count(tenantName, "server", q.MaxServers, usage.Servers, ask.Servers)
        ?? Memory(tenantName, "may use {0}", q.MaxMemoryMiB, usage.MemoryMiB, ask.MemoryMiB)
        ?? Memory(tenantName, "may have {0} of guaranteed memory", q.MaxGuaranteedMiB, usage.GuaranteedMiB, ask.GuaranteedMiB)
        ?? Count(tenantName, "vCPU", q.MaxVCpus, usage.VCpus, ask.VCpus)
        ?? Disk(tenantName, q.MaxDiskGiB, usage.DiskGiB, ask.DiskGiB);

    /// <summary>A MiB amount as people read it: whole GiB, GiB with decimals from 1 GiB on, MiB below.</summary>
    public static string ShowMiB(long mib) =>
        mib % 1024 == 0 ? $"{mib / 1024} GiB"
        : mib >= 1024 ? $"{(mib / 1024.0).ToString("0.##", CultureInfo.InvariantCulture)} GiB"
        : $"{mib} MiB";

    private static Error? Count(string tenant, string what, int? limit, int has, int asks) =>
        asks > 0 && limit is { } max && has + asks > max
            ? Exceeded($"{tenant} may have {max} {what}{(max == 1 ? "" : "s")}; it has {has} and asks for {asks} more.")
            : null;

    private static Error? Memory(string tenant, string mayFormat, long? limit, long has, long asks) =>
        asks > 0 && limit is { } max && has + asks > max
            ? Exceeded($"{tenant} {string.Format(CultureInfo.InvariantCulture, mayFormat, ShowMiB(max))}; it has {ShowMiB(has)} and asks for {ShowMiB(asks)} more.")
            : null;

    private static Error? Disk(string tenant, long? limit, long has, long asks) =>
        asks > 0 && limit is { } max && has + asks > max
            ? Exceeded($"{tenant} may use {max} GiB of disk; it has {has} GiB and asks for {asks} GiB more.")
            : null;

    private static Error Exceeded(string message) => new(TenantErrors.QuotaExceeded, message);
}
