namespace VzPanel.Core.Features.Billing.Usage;

/// <summary>
/// How usage rows are grouped: by hour or day of the period (UTC) and server, or one row per server, tenant or plan. Rows
/// by hour, day or server are split by plan too, so each names one plan (a rolled-up hour keeps the plan at its end).
/// </summary>
public enum UsageGrouping { Hour, Day, Instance, Tenant, Plan }

/// <summary>
/// Usage between <paramref name="From"/> and <paramref name="To"/> (end exclusive), for one tenant and/or one server when
/// given. A customer's query is always narrowed to its own tenant, whatever it asks.
/// </summary>
public sealed record UsageQuery(DateTimeOffset From, DateTimeOffset To, UsageGrouping GroupBy, Guid? TenantId = null, Guid? InstanceId = null);

/// <summary>
/// One row of usage: quantities integrated over time (GiB-hours, vCPU-hours, GiB-months of disk) and the amount at the
/// prices in force, unrounded (statements round once per line). <see cref="Period"/> is the hour or day for those
/// groupings; the ids are set where the grouping has them.
/// </summary>
public sealed record UsageRow(
    DateTimeOffset? Period, Guid? TenantId, Guid? InstanceId, Guid? PlanId, string Currency,
    decimal MemoryGiBHours, decimal GuaranteedGiBHours, decimal VCpuHours, decimal DiskGiBMonths, decimal Amount);
