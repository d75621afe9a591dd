using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VzPanel.Core.Features.Operations;

internal sealed class OperationConfiguration : IEntityTypeConfiguration<Operation>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

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
        b.Property(o => o.Summary).HasMaxLength(300);
        b.Property(o => o.JobId).HasMaxLength(64);
        b.Property(o => o.Parameters).HasColumnType("jsonb").HasConversion(
            p => JsonSerializer.Serialize(p, OperationParameters.Json),
            s => JsonSerializer.Deserialize<OperationParameters>(s, OperationParameters.Json)!);
        b.Property(o => o.Migration).HasColumnType("jsonb").HasConversion(
            m => m == null ? null : JsonSerializer.Serialize(m, Json),
            s => s == null ? null : JsonSerializer.Deserialize<Migration.MigrationRun>(s, Json));
        b.Property(o => o.Version).IsRowVersion();
        // One unfinished operation per target, enforced by the database so two requests can never race past it.
        b.HasIndex(o => o.TargetId).IsUnique().HasFilter("state IN ('Queued', 'Running')")
            .HasDatabaseName("ux_operations_one_active_per_target");
        b.HasIndex(o => new { o.TargetId, o.State });
        b.HasIndex(o => new { o.State, o.CreatedAt });
        b.HasIndex(o => new { o.TenantId, o.CreatedAt });
        b.HasIndex(o => o.CreatedAt);
    }
}
