using VzPanel.Core.Features.Billing.Credit;

namespace VzPanel.Core.Features.Billing.Statements;

/// <summary>
/// One month of one tenant: a line per server with what it used and its amount rounded once to the cent, the credit lines
/// of the month, and the total (the sum of the rounded lines). <see cref="Final"/> once the month has ended; until then it
/// runs up to now.
/// </summary>
public sealed record StatementView(
    Guid TenantId, string TenantName, string Month, DateTimeOffset From, DateTimeOffset To, bool Final, string Currency,
    IReadOnlyList<StatementLine> Lines, IReadOnlyList<CreditView> Credits, decimal UsageTotal, decimal CreditsTotal);

/// <param name="InstanceName">The server's name; a deleted server's lines keep their place with its id.</param>
public sealed record StatementLine(
    Guid InstanceId, string InstanceName, decimal MemoryGiBHours, decimal GuaranteedGiBHours, decimal VCpuHours, decimal DiskGiBMonths, decimal Amount);

/// <summary>A month in the statements list: its total so far.</summary>
public sealed record StatementSummary(string Month, DateTimeOffset From, DateTimeOffset To, bool Final, string Currency, decimal UsageTotal, decimal CreditsTotal);
