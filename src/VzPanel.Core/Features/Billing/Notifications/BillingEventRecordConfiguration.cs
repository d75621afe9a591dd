using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VzPanel.Core.Features.Billing.Notifications;

internal sealed class BillingEventRecordConfiguration : IEntityTypeConfiguration<BillingEventRecord>
{
    public void Configure(EntityTypeBuilder<BillingEventRecord> b)
    {
        b.ToTable("billing_events");
        b.Property(e => e.Id).UseIdentityAlwaysColumn();
        b.Property(e => e.Name).HasMaxLength(64);
        b.Property(e => e.Payload).HasColumnType("jsonb");
        b.HasIndex(e => e.At);
        b.HasIndex(e => e.Id).HasFilter("dispatched_at IS NULL").HasDatabaseName("ix_billing_events_undispatched");
    }
}
