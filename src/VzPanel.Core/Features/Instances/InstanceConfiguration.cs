using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Instances;

internal sealed class InstanceConfiguration : IEntityTypeConfiguration<Instance>
{
    public void Configure(EntityTypeBuilder<Instance> b)
    {
        b.ToTable("instances", t =>
        {
            t.HasCheckConstraint("ck_instances_memory", "memory_mib > 0");
            t.HasCheckConstraint("ck_instances_guarantee", "memory_guarantee_percent BETWEEN 0 AND 100");
            t.HasCheckConstraint("ck_instances_vcpus", "vcpus > 0");
            t.HasCheckConstraint("ck_instances_disk", "disk_gib > 0");
            t.HasCheckConstraint("ck_instances_cpu_limit", "cpu_limit_percent IS NULL OR cpu_limit_percent > 0");
        });
        b.Property(i => i.Id).ValueGeneratedNever();
        b.Property(i => i.Kind).HasConversion<string>().HasMaxLength(8);
        b.Property(i => i.Name).HasMaxLength(InstanceName.MaxLength);
        // Names are unique regardless of case, so "Web1" and "web1" cannot both exist.
        b.Property<string>("NameKey").HasMaxLength(InstanceName.MaxLength)
            .HasComputedColumnSql("lower(name)", stored: true);
        b.HasIndex("NameKey").IsUnique().HasDatabaseName("ux_instances_name");
        b.Property(i => i.State).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.MemoryMiB).HasColumnName("memory_mib");
        b.Property(i => i.VCpus).HasColumnName("vcpus");
        b.Property(i => i.DiskGiB).HasColumnName("disk_gib");
        b.Property(i => i.Hostname).HasMaxLength(253);
        b.Property(i => i.IpAddresses).HasColumnType("inet[]");
        b.Property(i => i.Version).IsRowVersion();
        b.Ignore(i => i.GuaranteedMiB);
        b.HasIndex(i => new { i.TenantId, i.Name });
        b.HasIndex(i => new { i.NodeId, i.State });
        b.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(i => i.Node).WithMany().HasForeignKey(i => i.NodeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(i => i.Template).WithMany().HasForeignKey(i => i.TemplateId).OnDelete(DeleteBehavior.SetNull);
    }
}
