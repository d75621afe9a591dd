namespace VzPanel.Core.Features.Billing.Notifications;

/// <summary>A billing event as raised, kept for delivery to every webhook subscribed to it (an outbox).</summary>
public sealed class BillingEventRecord
{
    public long Id { get; private set; }
    public required string Name { get; init; }
    public Guid? TenantId { get; init; }

    /// <summary>The event's body as JSON, exactly as it is signed and sent.</summary>
    public required string Payload { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>Set once deliveries for it have been planned for the webhooks subscribed at that moment.</summary>
    public DateTimeOffset? DispatchedAt { get; set; }
}
