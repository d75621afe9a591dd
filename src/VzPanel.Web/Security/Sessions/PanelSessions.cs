using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Identity.Sessions;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Security.Sessions;

/// <summary>
/// The <see cref="UserSession"/> rows behind sign-in cookies: one per sign-in, named by the cookie's
/// <see cref="ClaimType"/> claim, checked on every request, circuit re-check and hub sweep, ended by sign-out.
/// </summary>
public sealed class PanelSessions(IServiceScopeFactory scopes, IOptions<PanelSessionOptions> options, TimeProvider clock)
{
    public const string ClaimType = "vzpanel:session";

    /// <summary>How stale LastSeenAt may get: writing it on every request would cost a write per request.</summary>
    public static readonly TimeSpan LastSeenGranularity = TimeSpan.FromMinutes(1);

    public static Guid? IdOf(ClaimsPrincipal? user) =>
        Guid.TryParse(user?.FindFirstValue(ClaimType), out var id) ? id : null;

    /// <summary>Records a new session for <paramref name="userId"/> and returns its id, for the cookie.</summary>
    public async Task<Guid> StartAsync(Guid userId, HttpContext http)
    {
        var now = clock.GetUtcNow();
        var session = new UserSession
        {
            UserId = userId,
            CreatedAt = now,
            ExpiresAt = now + options.Value.AbsoluteLifetime,
            LastSeenAt = now,
            SourceAddress = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Truncated(http.Request.Headers.UserAgent.ToString(), 256),
        };
        await WithDbAsync(async db =>
        {
            db.UserSessions.Add(session);
            await db.SaveChangesAsync();
        });
        return session.Id;
    }

    /// <summary>Whether the session of <paramref name="user"/> is live; updates its LastSeenAt at most once a minute.</summary>
    public async Task<bool> IsLiveAsync(ClaimsPrincipal user, bool touch)
    {
        if (IdOf(user) is not { } id || !Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return false;
        var now = clock.GetUtcNow();
        return await WithDbAsync(async db =>
        {
            var row = await db.UserSessions.AsNoTracking().Where(s => s.Id == id && s.UserId == userId)
                .Select(s => new { s.EndedAt, s.ExpiresAt, s.LastSeenAt }).SingleOrDefaultAsync();
            if (row is null || row.EndedAt is not null || now >= row.ExpiresAt) return false;
            if (touch && now - row.LastSeenAt >= LastSeenGranularity)
                await db.UserSessions.Where(s => s.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now));
            return true;
        });
    }

    /// <summary>
    /// Which of <paramref name="open"/> are still good: the session is live and the user's security stamp is the one the
    /// connection signed in with (a password change elsewhere changes it).
    /// </summary>
    public Task<HashSet<Guid>> LiveAmongAsync(IReadOnlyCollection<(Guid Session, Guid User, string? Stamp)> open)
    {
        var now = clock.GetUtcNow();
        var sessionIds = open.Select(o => o.Session).Distinct().ToList();
        var userIds = open.Select(o => o.User).Distinct().ToList();
        return WithDbAsync(async db =>
        {
            var live = await db.UserSessions.AsNoTracking()
                .Where(s => sessionIds.Contains(s.Id) && s.EndedAt == null && s.ExpiresAt > now).Select(s => s.Id).ToListAsync();
            var stamps = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.SecurityStamp);
            return open.Where(o => live.Contains(o.Session) && stamps.TryGetValue(o.User, out var stamp) && stamp == o.Stamp)
                .Select(o => o.Session).ToHashSet();
        });
    }

    /// <summary>Ends one session (its cookie is being removed, or was refused).</summary>
    public Task EndAsync(Guid sessionId)
    {
        var now = clock.GetUtcNow();
        return WithDbAsync(db => db.UserSessions.Where(s => s.Id == sessionId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now)));
    }

    /// <summary>
    /// Ends every session of the user but <paramref name="except"/> and changes the security stamp, so every other
    /// browser, circuit and hub connection of the user is signed out too (sign-out; a password change, which then
    /// refreshes its own sign-in and keeps <paramref name="except"/>).
    /// </summary>
    public async Task EndAllAsync(Guid userId, Guid? except = null)
    {
        var now = clock.GetUtcNow();
        await WithDbAsync(db => db.UserSessions.Where(s => s.UserId == userId && s.EndedAt == null && s.Id != except)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now)));
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System;
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PanelUser>>();
        if (await users.FindByIdAsync(userId.ToString()) is { } user) await users.UpdateSecurityStampAsync(user);
    }

    private async Task<T> WithDbAsync<T>(Func<VzPanelDbContext, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System;
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<VzPanelDbContext>>().CreateDbContextAsync();
        return await work(db);
    }

    private async Task WithDbAsync(Func<VzPanelDbContext, Task> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System;
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<VzPanelDbContext>>().CreateDbContextAsync();
        await work(db);
    }

    private static string? Truncated(string value, int max) => value.Length == 0 ? null : value.Length <= max ? value : value[..max];
}
