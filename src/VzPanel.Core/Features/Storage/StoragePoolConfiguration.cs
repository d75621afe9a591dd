using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VzPanel.Core.Features.Nodes;

namespace VzPanel.Core.Features.Storage;

internal sealed class StoragePoolConfiguration : IEntityTypeConfiguration<StoragePool>
{
    public void Configure(EntityTypeBuilder<StoragePool> b)
    {
        b.ToTable("storage_pools", t => t.HasCheckConstraint("ck_storage_pools_sizes", "capacity_bytes >= 0 AND allocation_bytes >= 0"));
        b.Property(p => p.Name).HasMaxLength(63);
        b.HasIndex(p => new { p.NodeId, p.Name }).IsUnique();
        b.Property(p => p.Type).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Target).HasMaxLength(1024);
        b.Property(p => p.Version).IsRowVersion();
        b.HasOne<Node>().WithMany().HasForeignKey(p => p.NodeId).OnDelete(DeleteBehavior.Cascade);
    }
}
