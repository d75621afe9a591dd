using System.Text.Json;
using VzPanel.Core.Data;

namespace VzPanel.Core.Features.Billing.Notifications;

/// <summary>Writes each event into the outbox of the caller's context; it is saved, or not, with the caller's change.</summary>
internal sealed class OutboxBillingEvents : IBillingEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Raise(VzPanelDbContext db, string eventName, Guid? tenantId, object payload, DateTimeOffset at)
    {
        if (!BillingEvent.All.Contains(eventName))
            throw new ArgumentException($"'{eventName}' is not a billing event.", nameof(eventName));
        var body = JsonSerializer.Serialize(new { @event = eventName, at, tenantId, data = payload }, Json);
        db.BillingEvents.Add(new BillingEventRecord { Name = eventName, TenantId = tenantId, Payload = body, At = at });
    }
}
