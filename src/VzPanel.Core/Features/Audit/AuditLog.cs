using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Audit;

/// <summary>Writes who did what, from where. Services call it in the same unit of work as the change.</summary>
public sealed class AuditLog(IDbContextFactory<VzPanelDbContext> dbFactory, CurrentAccess access, TimeProvider clock)
{
    /// <summary>Adds the event to <paramref name="db"/>; it is saved together with the change it describes.</summary>
    public void Add(VzPanelDbContext db, AuditEntry entry) => db.AuditEvents.Add(ToEvent(entry));

    /// <summary>Records an event that is not part of an inventory change (sign-ins, lockouts).</summary>
    public async Task RecordAsync(AuditEntry entry, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        Add(db, entry);
        await db.SaveChangesAsync(ct);
    }

    private AuditEvent ToEvent(AuditEntry e)
    {
        var scope = access.Scope;
        return new AuditEvent
        {
            At = clock.GetUtcNow(),
            Actor = e.Actor ?? scope.ActorName,
            ActorId = e.ActorId ?? scope.UserId,
            TenantId = e.TenantId ?? scope.TenantId,
            Action = e.Action,
            TargetType = e.TargetType,
            TargetId = e.TargetId,
            Summary = e.Summary,
            SourceAddress = e.SourceAddress ?? scope.SourceAddress,
        };
    }
}

/// <summary>An audit record to write; unset actor fields come from the current scope.</summary>
public sealed record AuditEntry(string Action, string Summary)
{
    public string? TargetType { get; init; }
    public string? TargetId { get; init; }
    public string? Actor { get; init; }
    public Guid? ActorId { get; init; }
    public Guid? TenantId { get; init; }
    public System.Net.IPAddress? SourceAddress { get; init; }
}
