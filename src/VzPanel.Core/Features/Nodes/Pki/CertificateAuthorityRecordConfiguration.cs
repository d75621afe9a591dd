using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VzPanel.Core.Features.Nodes.Pki;

internal sealed class CertificateAuthorityRecordConfiguration : IEntityTypeConfiguration<CertificateAuthorityRecord>
{
    public void Configure(EntityTypeBuilder<CertificateAuthorityRecord> b)
    {
        b.ToTable("certificate_authority", t => t.HasCheckConstraint("ck_certificate_authority_single", "id = 1"));
        b.Property(c => c.Id).ValueGeneratedNever();
    }
}
