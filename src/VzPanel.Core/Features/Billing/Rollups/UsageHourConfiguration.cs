using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Billing.Rollups;

internal sealed class UsageHourConfiguration : IEntityTypeConfiguration<UsageHour>
{
    public void Configure(EntityTypeBuilder<UsageHour> b)
    {
        b.ToTable("usage_hourly");
        b.HasKey(u => new { u.InstanceId, u.Hour });
        b.Property(u => u.Hour).HasColumnName("hour");
        b.Property(u => u.Currency).HasMaxLength(3).IsFixedLength();
        // Unrounded for billing (reads round to 9 decimals, statements to cents): 18 decimals keep what a product of
        // prices and fractions of hours carries while still fitting a .NET decimal.
        b.Property(u => u.MemoryGiBHours).HasColumnName("memory_gib_hours").HasPrecision(38, 18);
        b.Property(u => u.GuaranteedGiBHours).HasColumnName("guaranteed_gib_hours").HasPrecision(38, 18);
        b.Property(u => u.VCpuHours).HasColumnName("vcpu_hours").HasPrecision(38, 18);
        b.Property(u => u.DiskGiBMonths).HasColumnName("disk_gib_months").HasPrecision(38, 18);
        b.Property(u => u.Amount).HasColumnName("amount").HasPrecision(38, 18);
        b.HasIndex(u => new { u.TenantId, u.Hour });
        b.HasIndex(u => u.Hour);
        // A tenant's usage goes with it (its segments are deleted with it too).
        b.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UsageRollupStateConfiguration : IEntityTypeConfiguration<UsageRollupState>
{
    public void Configure(EntityTypeBuilder<UsageRollupState> b)
    {
        b.ToTable("usage_rollup_state", t => t.HasCheckConstraint("ck_usage_rollup_state_single_row", "id = 1"));
        b.Property(s => s.Id).ValueGeneratedNever();
    }
}
