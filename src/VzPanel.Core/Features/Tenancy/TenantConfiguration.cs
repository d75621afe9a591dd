using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VzPanel.Core.Features.Tenancy;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.ToTable("tenants");
        b.Property(t => t.Name).HasMaxLength(100);
        b.HasIndex(t => t.Name).IsUnique();
        b.Property(t => t.ContactEmail).HasMaxLength(254);
        b.Property(t => t.State).HasConversion<string>().HasMaxLength(16);
        b.Property(t => t.Version).IsRowVersion();
        b.ComplexProperty(t => t.Quotas, q =>
        {
            q.Property(x => x.MaxServers).HasColumnName("quota_max_servers");
            q.Property(x => x.MaxMemoryMiB).HasColumnName("quota_max_memory_mib");
            q.Property(x => x.MaxGuaranteedMiB).HasColumnName("quota_max_guaranteed_mib");
            q.Property(x => x.MaxVCpus).HasColumnName("quota_max_vcpus");
            q.Property(x => x.MaxDiskGiB).HasColumnName("quota_max_disk_gib");
        });
        b.HasOne(t => t.Plan).WithMany().HasForeignKey(t => t.PlanId).OnDelete(DeleteBehavior.Restrict);
    }
}
