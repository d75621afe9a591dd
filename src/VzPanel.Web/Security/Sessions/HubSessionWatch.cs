using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace VzPanel.Web.Security.Sessions;

/// <summary>
/// A hub connection outlives the request that opened it, so its cookie is never checked again: this watch keeps the
/// open connections' sessions and closes every connection whose session has ended or expired, within
/// <see cref="PanelSessionOptions.HubCheckSeconds"/>. Connections without a session (API tokens) are not its business.
/// </summary>
public sealed class HubSessionWatch(
    PanelSessions sessions, IOptions<PanelSessionOptions> options, IOptions<IdentityOptions> identity, ILogger<HubSessionWatch> log) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Open> _open = new();

    private sealed record Open(Guid Session, Guid User, string? Stamp, HubCallerContext Connection);

    public void Track(HubCallerContext connection)
    {
        if (PanelSessions.IdOf(connection.User) is { } session
            && Guid.TryParse(connection.User?.FindFirstValue(ClaimTypes.NameIdentifier), out var user))
            _open[connection.ConnectionId] = new Open(session, user,
                connection.User!.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType), connection);
    }

    public void Forget(HubCallerContext connection) => _open.TryRemove(connection.ConnectionId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HubCheckSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning(ex, "Could not check the sessions of open hub connections; trying again in {Seconds} s", options.Value.HubCheckSeconds);
            }
        }
    }

    private async Task SweepAsync()
    {
        var open = _open.ToArray();
        if (open.Length == 0) return;
        var live = await sessions.LiveAmongAsync([.. open.Select(o => (o.Value.Session, o.Value.User, o.Value.Stamp))]);
        foreach (var (id, connection) in open)
        {
            if (live.Contains(connection.Session)) continue;
            connection.Connection.Abort();
            _open.TryRemove(id, out _);
        }
    }
}
