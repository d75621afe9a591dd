using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Storage;

internal sealed class VolumeConfiguration : IEntityTypeConfiguration<Volume>
{
    public void Configure(EntityTypeBuilder<Volume> b)
    {
        b.ToTable("volumes", t => t.HasCheckConstraint("ck_volumes_sizes", "size_bytes > 0 AND allocation_bytes >= 0"));
        b.Property(v => v.Name).HasMaxLength(255);
        b.HasIndex(v => new { v.PoolId, v.Name }).IsUnique();
        b.Property(v => v.Format).HasConversion<string>().HasMaxLength(8);
        b.Property(v => v.Version).IsRowVersion();
        b.HasOne(v => v.Pool).WithMany().HasForeignKey(v => v.PoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Instance>().WithMany().HasForeignKey(v => v.InstanceId).OnDelete(DeleteBehavior.SetNull);
    }
}
