using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VzPanel.Core.Features.Identity.Mfa;
using VzPanel.Core.Features.Identity.Sessions;
using VzPanel.Core.Features.Identity.Tokens;

namespace VzPanel.Core.Features.Identity;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.ToTable("api_tokens");
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Prefix).HasMaxLength(16);
        b.HasIndex(t => t.Prefix).IsUnique();
        b.Property(t => t.Scope).HasConversion<string>().HasMaxLength(8);
        b.HasIndex(t => t.UserId);
        b.HasOne<PanelUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SetPasswordLinkConfiguration : IEntityTypeConfiguration<SetPasswordLink>
{
    public void Configure(EntityTypeBuilder<SetPasswordLink> b)
    {
        b.ToTable("set_password_links");
        b.HasIndex(l => l.SecretHash).IsUnique();
        b.Property(l => l.Purpose).HasConversion<string>().HasMaxLength(8);
        b.HasOne<PanelUser>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RecoveryCodeConfiguration : IEntityTypeConfiguration<RecoveryCode>
{
    public void Configure(EntityTypeBuilder<RecoveryCode> b)
    {
        b.ToTable("recovery_codes");
        b.HasIndex(c => c.UserId);
        b.HasOne<PanelUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.ToTable("user_sessions");
        b.Property(s => s.SourceAddress).HasMaxLength(64);
        b.Property(s => s.UserAgent).HasMaxLength(256);
        b.HasIndex(s => s.UserId);
        b.HasOne<PanelUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
