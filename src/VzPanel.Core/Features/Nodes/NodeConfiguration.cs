using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VzPanel.Core.Data;

namespace VzPanel.Core.Features.Nodes;

internal sealed class NodeConfiguration : IEntityTypeConfiguration<Node>
{
    public void Configure(EntityTypeBuilder<Node> b)
    {
        b.ToTable("nodes", t =>
        {
            t.HasCheckConstraint("ck_nodes_capacity", "cpu_count >= 0 AND ram_mib >= 0 AND host_reserve_mib >= 0");
            t.HasCheckConstraint("ck_nodes_overcommit", "overcommit_ratio >= 1.0 AND overcommit_ratio <= 10.0");
        });
        b.Property(n => n.Name).HasMaxLength(63);
        b.HasIndex(n => n.Name).IsUnique();
        b.Property(n => n.ManagementAddress).HasMaxLength(255);
        b.Property(n => n.Engine).HasConversion<string>().HasMaxLength(16);
        b.Property(n => n.RamMiB).HasColumnName("ram_mib");
        b.Property(n => n.HostReserveMiB).HasColumnName("host_reserve_mib");
        b.Property(n => n.OvercommitRatio).HasPrecision(4, 2);
        b.Property(n => n.MemoryPolicy).HasConversion<string>().HasMaxLength(16);
        b.Property(n => n.State).HasConversion<string>().HasMaxLength(16);
        b.Property(n => n.Version).IsRowVersion();
        b.Property(n => n.CertificateThumbprint).HasMaxLength(64);
        b.Property(n => n.AgentVersion).HasMaxLength(40);
        b.Property(n => n.FreeMiB).HasColumnName("free_mib");
        // Defaults for the nodes that existed before agents reported these; every save writes real values.
        b.Property(n => n.Versions).HasJsonColumn().HasDefaultValueSql("'{}'::jsonb");
        b.Property(n => n.Templates).HasJsonColumn().HasDefaultValueSql("'[]'::jsonb");
        b.Property(n => n.Capabilities).HasDefaultValueSql("'{}'::text[]");
        b.Property(n => n.Accelerator).HasMaxLength(NodeFacts.MaxAcceleratorLength);
        b.Ignore(n => n.GuaranteeableMiB);
        b.Ignore(n => n.CommittableMiB);
        b.Ignore(n => n.HasTemplateCache);
    }
}
