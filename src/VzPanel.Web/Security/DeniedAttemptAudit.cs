using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Security;

/// <summary>
/// Writes every refused attempt (403s, CSRF refusals, another tenant's id, refused sign-ins) to the audit log with its
/// source address, without letting a flood of them flood the log: a repeat of the same actor, action and address
/// within <see cref="Window"/> adds to the count in the first row's summary instead of adding a row.
/// </summary>
public sealed class DeniedAttemptAudit(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DeniedAttemptAudit> log) : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MaxTracked = 10_000;

    private readonly ConcurrentDictionary<(string Actor, string Action, string? Address), Recent> _recent = new();
    private readonly SemaphoreSlim _gate = new(1, 1);   // one writer: a repeat must find the row its first attempt wrote

    /// <summary>Records a refusal of the request's caller.</summary>
    public Task RecordAsync(HttpContext context, string action, string summary, CancellationToken ct) =>
        RecordAsync(AccessScope.FromPrincipal(context.User) with { SourceAddress = context.Connection.RemoteIpAddress },
            new AuditEntry(action, summary), ct);

    /// <summary>Records a refusal on behalf of <paramref name="who"/>; unset fields of <paramref name="entry"/> come from it.</summary>
    public async Task RecordAsync(AccessScope who, AuditEntry entry, CancellationToken ct)
    {
        var actor = entry.Actor ?? who.ActorName;
        var address = entry.SourceAddress ?? who.SourceAddress;
        var key = (actor, entry.Action, address?.ToString());
        var now = clock.GetUtcNow();
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentAccess>().Scope = AccessScope.System;
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<VzPanelDbContext>>().CreateDbContextAsync(ct);
            if (_recent.TryGetValue(key, out var recent) && now - recent.Since < Window)
            {
                recent.Count++;
                var summary = Counted(entry.Summary, recent.Count);
                await db.AuditEvents.Where(a => a.Id == recent.RowId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Summary, summary), ct);
                return;
            }
            var row = new AuditEvent
            {
                At = now, Actor = actor, ActorId = entry.ActorId ?? who.UserId, TenantId = entry.TenantId ?? who.TenantId,
                Action = entry.Action, TargetType = entry.TargetType, TargetId = entry.TargetId, Summary = entry.Summary,
                SourceAddress = address,
            };
            db.AuditEvents.Add(row);
            await db.SaveChangesAsync(ct);
            if (_recent.Count >= MaxTracked) Forget(now);
            _recent[key] = new Recent(row.Id, now);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or Npgsql.NpgsqlException)
        {
            // The refusal itself stands; a lost audit row must not turn it into a 500.
            log.LogWarning(ex, "Could not audit {Action} by {Actor} from {Address}", entry.Action, actor, address);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The summary as stored after <paramref name="count"/> attempts in one window.</summary>
    public static string Counted(string summary, int count) =>
        count <= 1 ? summary : $"{summary} (×{count} within {Window.TotalMinutes:0} min)";

    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, recent) in _recent)
            if (now - recent.Since >= Window) _recent.TryRemove(key, out _);
        if (_recent.Count >= MaxTracked) _recent.Clear();   // a flood from ever new actors: new rows then, but bounded memory
    }

    public void Dispose() => _gate.Dispose();

    private sealed class Recent(long rowId, DateTimeOffset since)
    {
        public long RowId { get; } = rowId;
        public DateTimeOffset Since { get; } = since;
        public int Count { get; set; } = 1;
    }
}
