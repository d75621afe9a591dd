using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing;

internal sealed class UsageSegmentConfiguration : IEntityTypeConfiguration<UsageSegment>
{
    public void Configure(EntityTypeBuilder<UsageSegment> b)
    {
        b.ToTable("usage_segments", t =>
        {
            t.HasCheckConstraint("ck_usage_segments_period", "period_end IS NULL OR period_end > period_start");
            t.HasCheckConstraint("ck_usage_segments_shape", "memory_mib >= 0 AND guaranteed_mib >= 0 AND vcpus >= 0 AND disk_gib >= 0");
        });
        b.Property(u => u.Id).UseIdentityAlwaysColumn();
        b.Property(u => u.From).HasColumnName("period_start");
        b.Property(u => u.To).HasColumnName("period_end");
        b.Property(u => u.MemoryMiB).HasColumnName("memory_mib");
        b.Property(u => u.GuaranteedMiB).HasColumnName("guaranteed_mib");
        b.Property(u => u.VCpus).HasColumnName("vcpus");
        b.Property(u => u.DiskGiB).HasColumnName("disk_gib");
        b.Property(u => u.PriceMemoryGiBHour).HasColumnName("price_memory_gib_hour").HasPrecision(12, 6);
        b.Property(u => u.PriceVCpuHour).HasColumnName("price_vcpu_hour").HasPrecision(12, 6);
        b.Property(u => u.PriceDiskGiBMonth).HasColumnName("price_disk_gib_month").HasPrecision(12, 6);
        b.Property(u => u.GuaranteePremiumShare).HasColumnName("guarantee_premium_share").HasPrecision(6, 4);
        b.Property(u => u.Currency).HasMaxLength(3).IsFixedLength();
        b.Ignore(u => u.Shape);
        b.Ignore(u => u.Prices);
        b.HasIndex(u => new { u.TenantId, u.From });
        b.HasIndex(u => new { u.InstanceId, u.From });
        // No two segments of one server overlap (an exclusion constraint, checked at commit, added in the migration), so
        // two meters can never run at once and a change can close one segment and open the next in the same save.
        b.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Plan>().WithMany().HasForeignKey(u => u.PlanId).OnDelete(DeleteBehavior.Restrict);
    }
}
