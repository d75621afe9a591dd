using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Identity;

namespace VzPanel.Core.Data;

internal static class IdentityTableNames
{
    /// <summary>Plain table names instead of <c>asp_net_users</c>: they are read with psql by operators.</summary>
    public static void RenameIdentityTables(this ModelBuilder b)
    {
        b.Entity<PanelUser>(u =>
        {
            u.ToTable("users");
            u.Property(x => x.DisplayName).HasMaxLength(100);
        });
        b.Entity<IdentityRole<Guid>>().ToTable("roles");
        b.Entity<IdentityUserRole<Guid>>().ToTable("user_roles");
        b.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        b.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");
        b.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        b.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
    }
}
