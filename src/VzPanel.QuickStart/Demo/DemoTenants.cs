using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.QuickStart.Demo;

/// <summary>The demo's two customers and their plan, found or created: the demo logins and the demo servers share them.</summary>
internal static class DemoTenants
{
    public const string Acme = "Acme Hosting", Globex = "Globex Shop";
    public const string PlanName = "PAYG Standard";
    public const decimal OpeningCredit = 50m;

    // Quotas that fit the demo servers with room to grow, so the customers' quota cards show something.
    private static readonly Dictionary<string, TenantQuotas> Quotas = new()
    {
        [Acme] = new() { MaxServers = 5, MaxMemoryMiB = 16 * 1024, MaxGuaranteedMiB = 12 * 1024, MaxVCpus = 12, MaxDiskGiB = 100 },
        [Globex] = new() { MaxServers = 3, MaxMemoryMiB = 8 * 1024, MaxGuaranteedMiB = 4 * 1024, MaxVCpus = 6, MaxDiskGiB = 50 },
    };

    public static async Task<Dictionary<string, Tenant>> EnsureAsync(VzPanelDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var plan = await db.Plans.FirstOrDefaultAsync(p => p.Name == PlanName, ct);
        if (plan is null)
        {
            plan = new Plan { Name = PlanName, PricePerGiBHour = 0.004m, PricePerVCpuHour = 0.01m, PricePerDiskGiBMonth = 0.05m, GuaranteePremiumShare = 0.25m };
            db.Plans.Add(plan);
        }
        var tenants = await db.Tenants.Where(t => t.Name == Acme || t.Name == Globex).ToDictionaryAsync(t => t.Name, ct);
        foreach (var name in (string[])[Acme, Globex])
        {
            if (tenants.ContainsKey(name)) continue;
            tenants[name] = new Tenant
            {
                Name = name, PlanId = plan.Id, CreatedAt = now, Quotas = Quotas[name],
                ContactEmail = $"ops@{name.Split(' ')[0].ToLowerInvariant()}.example",
            };
            db.Tenants.Add(tenants[name]);
            // Prepaid customers run on credit: an opening balance, so the demo runs for weeks before anyone is warned.
            db.CreditEntries.Add(new CreditEntry
            {
                TenantId = tenants[name].Id, Amount = OpeningCredit, Currency = plan.Currency, Note = "Opening credit (demo)", CreatedBy = "quick start",
                CreatedAt = now,
            });
        }
        await db.SaveChangesAsync(ct);
        return tenants;
    }
}
