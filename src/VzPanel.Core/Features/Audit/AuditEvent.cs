using System.Net;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Core.Features.Audit;

/// <summary>One state change or security event: who did what to what, from where. Append-only.</summary>
public sealed class AuditEvent : ITenantOwned
{
    public long Id { get; private set; }
    public DateTimeOffset At { get; init; }
    public Guid? ActorId { get; init; }
    public required string Actor { get; init; }
    public Guid? TenantId { get; init; }

    /// <summary>A dotted verb such as <c>instance.create</c> or <c>auth.sign-in-failed</c>.</summary>
    public required string Action { get; init; }

    public string? TargetType { get; init; }
    public string? TargetId { get; init; }
    public required string Summary { get; init; }
    public IPAddress? SourceAddress { get; init; }

    Guid? ITenantOwned.OwnerTenantId => TenantId;
}
