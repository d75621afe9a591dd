using System.ComponentModel.DataAnnotations;

namespace VzPanel.Core.Features.Billing.Credit;

/// <summary>How prepaid credit is enforced: when a tenant is warned, how long it may run on nothing, how often it is checked.</summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";

    /// <summary>Off: balances are still kept and shown, but nobody is warned, stopped or suspended (test panels, trials).</summary>
    public bool EnforcePrepaid { get; init; } = true;

    /// <summary>Below this balance (in the plan's currency) a prepaid tenant is warned: a banner and a <c>balance.low</c> event.</summary>
    [Range(0, 1_000_000)]
    public decimal LowBalanceThreshold { get; init; } = 5m;

    /// <summary>How long a tenant may run at or below zero before its servers are stopped and it is suspended.</summary>
    [Range(0, 24 * 90)]
    public double GraceHours { get; init; } = 24;

    [Range(1, 3600)]
    public int CheckIntervalSeconds { get; init; } = 60;
}
