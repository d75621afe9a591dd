using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VzPanel.Core.Features.Billing;

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> b)
    {
        b.ToTable("plans", t =>
        {
            t.HasCheckConstraint("ck_plans_memory_range", "memory_min_mib > 0 AND memory_max_mib >= memory_min_mib");
            t.HasCheckConstraint("ck_plans_vcpu_max", "vcpu_max > 0");
            t.HasCheckConstraint("ck_plans_prices",
                "price_per_gib_hour >= 0 AND price_per_vcpu_hour >= 0 AND price_per_disk_gib_month >= 0 AND guarantee_premium_share >= 0");
            t.HasCheckConstraint("ck_plans_disk_max", "disk_max_gib > 0");
            // The service says why in words (PlanRules); these keep any other writer to the same shape.
            t.HasCheckConstraint("ck_plans_guarantee_premium", "guarantee_premium_share <= 10");
            t.HasCheckConstraint("ck_plans_currency", "currency ~ '^[A-Z]{3}$'");
        });
        b.Property(p => p.Name).HasMaxLength(100);
        b.HasIndex(p => p.Name).IsUnique();
        b.Property(p => p.MemoryMinMiB).HasColumnName("memory_min_mib");
        b.Property(p => p.MemoryMaxMiB).HasColumnName("memory_max_mib");
        b.Property(p => p.VCpuMax).HasColumnName("vcpu_max");
        b.Property(p => p.PricePerGiBHour).HasColumnName("price_per_gib_hour").HasPrecision(12, 6);
        b.Property(p => p.PricePerVCpuHour).HasColumnName("price_per_vcpu_hour").HasPrecision(12, 6);
        b.Property(p => p.PricePerDiskGiBMonth).HasColumnName("price_per_disk_gib_month").HasPrecision(12, 6);
        b.Property(p => p.GuaranteePremiumShare).HasColumnName("guarantee_premium_share").HasPrecision(6, 4);
        b.Property(p => p.DiskMaxGiB).HasColumnName("disk_max_gib");
        b.Ignore(p => p.Prices);
        b.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        b.Property(p => p.Version).IsRowVersion();
    }
}
