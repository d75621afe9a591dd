using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Security;

/// <summary>
/// Decides whether a sign-in attempt may be tried at all, before the password is checked (see
/// <see cref="SignInThrottleOptions"/>). Identity's own lockout stays behind it. The refusal names neither the
/// account nor whether it exists. Kept in memory: each panel replica limits on its own, and a restart forgets.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    public const string RefusedMessage = "Too many sign-in attempts. Wait a minute and try again.";
    private const int MaxFamiliar = 100_000;

    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly PartitionedRateLimiter<string> _perUser;
    private readonly ConcurrentDictionary<(string User, string Address), DateTimeOffset> _familiar = new();
    private readonly SignInThrottleOptions _options;
    private readonly IHttpContextAccessor _http;
    private readonly DeniedAttemptAudit _audit;
    private readonly TimeProvider _clock;

    public SignInThrottle(IOptions<SignInThrottleOptions> options, IHttpContextAccessor http, DeniedAttemptAudit audit, TimeProvider clock)
    {
        _options = options.Value;
        _http = http;
        _audit = audit;
        _clock = clock;
        var o = _options;
        _perAddress = Buckets(o.AddressBurst, TimeSpan.FromMinutes(1.0 / o.AddressPerMinute));
        _perUser = Buckets(o.UserBurst, TimeSpan.FromMinutes(o.UserRefillMinutes));
    }

    /// <summary>True when this request's attempt on <paramref name="userName"/> must not be tried; audited then.</summary>
    public async Task<bool> RefusesAsync(string userName)
    {
        var address = _http.HttpContext?.Connection.RemoteIpAddress;
        var user = Normalize(userName);
        var where = address?.ToString() ?? "unknown";
        using var byAddress = _perAddress.AttemptAcquire(where);
        var refused = !byAddress.IsAcquired;
        if (!refused && !IsFamiliar(user, where))
        {
            using var byUser = _perUser.AttemptAcquire(user);
            refused = !byUser.IsAcquired;
        }
        if (refused)
            await _audit.RecordAsync(AccessScope.Anonymous with { SourceAddress = address },
                new AuditEntry("auth.sign-in-throttled", "Sign-in attempt refused by the rate limit.") { Actor = Truncated(userName) },
                CancellationToken.None);
        return refused;
    }

    /// <summary>Remembers that <paramref name="address"/> signed <paramref name="userName"/> in.</summary>
    public void SignedIn(string userName, IPAddress? address)
    {
        if (_familiar.Count >= MaxFamiliar) ForgetOld();
        _familiar[(Normalize(userName), address?.ToString() ?? "unknown")] = _clock.GetUtcNow();
    }

    /// <summary>Hooks <see cref="SignedIn"/> into the sign-in cookie, so every way of signing in counts.</summary>
    internal static void RememberSignIns(CookieAuthenticationOptions cookie)
    {
        var previous = cookie.Events.OnSignedIn;
        cookie.Events.OnSignedIn = async context =>
        {
            if (context.Principal?.Identity?.Name is { } name)
                context.HttpContext.RequestServices.GetRequiredService<SignInThrottle>().SignedIn(name, context.HttpContext.Connection.RemoteIpAddress);
            await previous(context);
        };
    }

    private bool IsFamiliar(string user, string address) =>
        _familiar.TryGetValue((user, address), out var at) && _clock.GetUtcNow() - at < TimeSpan.FromDays(_options.FamiliarForDays);

    private void ForgetOld()
    {
        var horizon = _clock.GetUtcNow() - TimeSpan.FromDays(_options.FamiliarForDays);
        foreach (var (key, at) in _familiar)
            if (at < horizon) _familiar.TryRemove(key, out _);
        if (_familiar.Count >= MaxFamiliar) _familiar.Clear();   // a flood of sign-ins; losing familiarity only slows owners down
    }

    private static PartitionedRateLimiter<string> Buckets(int burst, TimeSpan refillEvery) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = refillEvery,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    private static string Normalize(string userName) => userName.Trim().ToUpperInvariant();

    private static string Truncated(string userName) => userName.Length <= 256 ? userName : userName[..256];

    public void Dispose()
    {
        _perAddress.Dispose();
        _perUser.Dispose();
    }

    internal static IServiceCollection AddSignInThrottle(IServiceCollection services)
    {
        services.AddOptions<SignInThrottleOptions>().BindConfiguration(SignInThrottleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SignInThrottle>();
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, RememberSignIns);
        return services;
    }
}
