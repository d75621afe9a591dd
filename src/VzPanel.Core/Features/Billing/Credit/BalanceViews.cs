namespace VzPanel.Core.Features.Billing.Credit;

/// <summary>Where a tenant's money stands now: credit added, usage so far (the hour in progress included), what is left.</summary>
/// <param name="Usage">All usage up to now, rounded once to the cent.</param>
/// <param name="HourlyNow">What its servers cost per hour as they are now: the burn rate behind <see cref="HoursLeft"/>.</param>
/// <param name="HoursLeft">How long the balance lasts at that rate; null when nothing is billed or it is used up.</param>
public sealed record BalanceView(
    Guid TenantId, string Currency, bool Prepaid, decimal Credits, decimal Usage, decimal Balance, decimal HourlyNow, double? HoursLeft,
    BalanceState State, decimal LowThreshold, DateTimeOffset? ExhaustedSince, bool SuspendedForNonPayment)
{
    /// <summary>Whether running out stops servers here (<see cref="BillingOptions.EnforcePrepaid"/>); warnings say so only then.</summary>
    public bool Enforced { get; init; } = true;
}

public enum BalanceState { Ok, Low, Exhausted }

public sealed record CreditView(long Id, Guid TenantId, decimal Amount, string Currency, string Note, string CreatedBy, DateTimeOffset CreatedAt);
