using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Instances;

public sealed partial class InstanceCommands
{
    /// <summary>Whether growing <paramref name="i"/> by <paramref name="ask"/> passes its tenant's quotas (whoever asks).</summary>
    private static async Task<Error?> OverQuotaAsync(VzPanelDbContext db, Instance i, QuotaAsk ask, CancellationToken ct)
    {
        var tenant = await db.Tenants.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(t => t.Id == i.TenantId, ct);
        return tenant is null ? null : await TenantQuotaAdmission.CheckAsync(db, tenant, ask, ct);
    }

    /// <summary>A customer of a suspended tenant changes nothing; read now, so a suspension applies at once.</summary>
    private Task<Error?> SuspendedAsync(VzPanelDbContext db, CancellationToken ct) => TenantSuspension.RefusalAsync(db, access.Scope, ct);
}
