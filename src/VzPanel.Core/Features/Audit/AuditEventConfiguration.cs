using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VzPanel.Core.Features.Audit;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("audit_events");
        b.Property(a => a.Id).UseIdentityAlwaysColumn();
        b.Property(a => a.Actor).HasMaxLength(256);
        b.Property(a => a.Action).HasMaxLength(64);
        b.Property(a => a.TargetType).HasMaxLength(32);
        b.Property(a => a.TargetId).HasMaxLength(64);
        b.Property(a => a.Summary).HasMaxLength(1000);
        b.HasIndex(a => a.At);
        b.HasIndex(a => new { a.TenantId, a.At });
    }
}
