using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing;

internal sealed class UsageSegmentConfiguration : IEntityTypeConfiguration<UsageSegment>
{
    public void Configure(EntityTypeBuilder<UsageSegment> b)
    {
        b.ToTable("usage_segments", t => t.HasCheckConstraint("ck_usage_segments_period", "period_end IS NULL OR period_end >= period_start"));
        b.Property(u => u.Id).UseIdentityAlwaysColumn();
        b.Property(u => u.From).HasColumnName("period_start");
        b.Property(u => u.To).HasColumnName("period_end");
        b.Property(u => u.MemoryMiB).HasColumnName("memory_mib");
        b.Property(u => u.VCpus).HasColumnName("vcpus");
        b.HasIndex(u => new { u.TenantId, u.From });
        // At most one open segment per instance: a resize can never leave two meters running.
        b.HasIndex(u => u.InstanceId).IsUnique().HasFilter("period_end IS NULL").HasDatabaseName("ux_usage_segments_open");
        b.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
