using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Common;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Identity.Users;

public interface IUserQueries
{
    /// <summary>Every account, by user name: staff only.</summary>
    Task<Result<IReadOnlyList<UserView>>> ListAsync(CancellationToken ct);

    Task<Result<UserView>> GetAsync(Guid id, CancellationToken ct);

    /// <summary>One account with its API tokens and sessions, newest first: staff only.</summary>
    Task<Result<UserDetail>> GetDetailAsync(Guid id, CancellationToken ct);
}

/// <summary>Reads accounts for staff. Users are not tenant rows, so the staff check is here, not in the query filters.</summary>
internal sealed class UserQueries(IDbContextFactory<VzPanelDbContext> dbFactory, CurrentAccess access, TimeProvider clock) : IUserQueries
{
    public const int DetailRows = 100;

    public async Task<Result<IReadOnlyList<UserView>>> ListAsync(CancellationToken ct)
    {
        if (StaffOnly() is { } denied) return denied;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return new Result<IReadOnlyList<UserView>>(await ViewsAsync(db, db.Users.OrderBy(u => u.UserName), ct), null);
    }

    public async Task<Result<UserView>> GetAsync(Guid id, CancellationToken ct)
    {
        if (StaffOnly() is { } denied) return denied;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var views = await ViewsAsync(db, db.Users.Where(u => u.Id == id), ct);
        return views.Count == 1 ? views[0] : Error.NotFound("User");
    }

    public async Task<Result<UserDetail>> GetDetailAsync(Guid id, CancellationToken ct)
    {
        var user = await GetAsync(id, ct);
        if (!user.IsSuccess) return user.Error!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == id).OrderByDescending(t => t.CreatedAt).Take(DetailRows)
            .Select(t => new UserTokenView(t.Id, t.Name, t.Scope.ToString(), t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt))
            .ToListAsync(ct);
        var sessions = await db.UserSessions.AsNoTracking().Where(s => s.UserId == id).OrderByDescending(s => s.CreatedAt).Take(DetailRows)
            .Select(s => new UserSessionView(s.Id, s.CreatedAt, s.LastSeenAt, s.SourceAddress, s.UserAgent, s.EndedAt))
            .ToListAsync(ct);
        return new UserDetail(user.Value!, tokens, sessions);
    }

    /// <summary>The views of <paramref name="users"/>: role and tenant name joined in, in one query.</summary>
    internal async Task<IReadOnlyList<UserView>> ViewsAsync(VzPanelDbContext db, IQueryable<PanelUser> users, CancellationToken ct)
    {
        var rows = await users.AsNoTracking().Select(u => new
        {
            u.Id, u.UserName, u.Email, u.DisplayName, u.TenantId, u.LockoutEnd, u.MfaEnabledAt, u.CreatedAt,
            Role = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).FirstOrDefault(),
            TenantName = db.Tenants.Where(t => t.Id == u.TenantId).Select(t => t.Name).FirstOrDefault(),
        }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return [.. rows.Select(r => new UserView(
            r.Id, r.UserName ?? "", r.Email, r.DisplayName, Enum.TryParse<PanelRole>(r.Role, out var role) ? role : null, r.TenantId, r.TenantName,
            Locked: r.LockoutEnd > now, LockedUntil: r.LockoutEnd > now && r.LockoutEnd < UserCommands.LockedByAdmin ? r.LockoutEnd : null,
            MfaEnabled: r.MfaEnabledAt != null, r.CreatedAt))];
    }

    private Error? StaffOnly() => access.Scope.SeesAllTenants ? null : Error.Forbidden("Only provider staff see the panel's accounts.");
}
