using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing.Credit;

internal sealed class CreditEntryConfiguration : IEntityTypeConfiguration<CreditEntry>
{
    public void Configure(EntityTypeBuilder<CreditEntry> b)
    {
        b.ToTable("credit_entries", t => t.HasCheckConstraint("ck_credit_entries_amount", "amount <> 0"));
        b.Property(c => c.Id).UseIdentityAlwaysColumn();
        b.Property(c => c.Amount).HasPrecision(14, 2);
        b.Property(c => c.Currency).HasMaxLength(3).IsFixedLength();
        b.Property(c => c.Note).HasMaxLength(CreditRules.MaxNoteLength);
        b.Property(c => c.CreatedBy).HasMaxLength(256);
        b.HasIndex(c => new { c.TenantId, c.CreatedAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PrepaidStandingConfiguration : IEntityTypeConfiguration<PrepaidStanding>
{
    public void Configure(EntityTypeBuilder<PrepaidStanding> b)
    {
        b.ToTable("prepaid_standings");
        b.HasKey(s => s.TenantId);
        b.HasOne<Tenant>().WithOne().HasForeignKey<PrepaidStanding>(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NonPaymentStopConfiguration : IEntityTypeConfiguration<NonPaymentStop>
{
    public void Configure(EntityTypeBuilder<NonPaymentStop> b)
    {
        b.ToTable("non_payment_stops");
        b.HasKey(s => s.InstanceId);
        b.HasIndex(s => s.TenantId);
        b.HasOne<Instance>().WithOne().HasForeignKey<NonPaymentStop>(s => s.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}
