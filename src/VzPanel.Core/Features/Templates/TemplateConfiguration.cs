using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VzPanel.Core.Features.Templates;

internal sealed class TemplateConfiguration : IEntityTypeConfiguration<Template>
{
    public void Configure(EntityTypeBuilder<Template> b)
    {
        b.ToTable("templates");
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Kind).HasConversion<string>().HasMaxLength(8);
        b.Property(t => t.Version).HasMaxLength(40);
        b.Property(t => t.Description).HasMaxLength(500);
        b.HasIndex(t => new { t.Name, t.Kind, t.Version }).IsUnique();
    }
}
