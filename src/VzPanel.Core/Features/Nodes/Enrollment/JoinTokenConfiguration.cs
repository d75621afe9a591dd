using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VzPanel.Core.Features.Nodes.Enrollment;

internal sealed class JoinTokenConfiguration : IEntityTypeConfiguration<JoinToken>
{
    public void Configure(EntityTypeBuilder<JoinToken> b)
    {
        b.ToTable("join_tokens");
        b.Property(t => t.Id).ValueGeneratedNever();
        b.Property(t => t.SecretHash).HasMaxLength(32);
        b.Property(t => t.CreatedBy).HasMaxLength(256);
        b.Property(t => t.Version).IsRowVersion();
        b.HasIndex(t => t.NodeId);
        b.HasOne<Node>().WithMany().HasForeignKey(t => t.NodeId).OnDelete(DeleteBehavior.Cascade);
    }
}
