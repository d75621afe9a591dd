using VzPanel.Core.Data;

namespace VzPanel.Core.Features.Billing.Notifications;

/// <summary>The billing events a provider's billing system can subscribe to (webhooks).</summary>
public static class BillingEvent
{
    public const string UsageHourly = "usage.hourly";
    public const string BalanceLow = "balance.low";
    public const string TenantSuspended = "tenant.suspended";
    public const string TenantReactivated = "tenant.reactivated";
    public const string StatementClosed = "statement.closed";

    public static readonly IReadOnlyList<string> All = [UsageHourly, BalanceLow, TenantSuspended, TenantReactivated, StatementClosed];
}

/// <summary>
/// Where billing code announces an event: it is written in the caller's own transaction (<paramref name="db"/>), so an
/// event goes out exactly when the change that caused it is saved; delivery happens later, elsewhere.
/// </summary>
public interface IBillingEvents
{
    void Raise(VzPanelDbContext db, string eventName, Guid? tenantId, object payload, DateTimeOffset at);
}
