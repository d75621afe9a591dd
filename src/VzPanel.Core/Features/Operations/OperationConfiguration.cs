using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VzPanel.Core.Features.Operations;

internal sealed class OperationConfiguration : IEntityTypeConfiguration<Operation>
{
    public void Configure(EntityTypeBuilder<Operation> b)
    {
        b.ToTable("operations", t => t.HasCheckConstraint("ck_operations_progress", "progress_percent BETWEEN 0 AND 100"));
        b.Property(o => o.Kind).HasConversion<string>().HasMaxLength(32);
        b.Property(o => o.TargetType).HasMaxLength(32);
        b.Property(o => o.TargetName).HasMaxLength(255);
        b.Property(o => o.State).HasConversion<string>().HasMaxLength(16);
        b.Property(o => o.CurrentStep).HasMaxLength(200);
        b.Property(o => o.Error).HasMaxLength(2000);
        b.Property(o => o.RequestedBy).HasMaxLength(256);
        b.Property(o => o.Version).IsRowVersion();
        b.HasIndex(o => new { o.TargetId, o.State });
        b.HasIndex(o => new { o.TenantId, o.CreatedAt });
        b.HasIndex(o => o.CreatedAt);
    }
}
