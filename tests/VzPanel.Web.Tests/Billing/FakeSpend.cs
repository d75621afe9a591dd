using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Core.Features.Billing.Spend;

namespace VzPanel.Web.Tests.Billing;

/// <summary>The dashboard's and banner's money for one tenant: nothing until a test sets <see cref="Balance"/>.</summary>
internal sealed class FakeSpend(TimeProvider clock) : ITenantSpend, ICreditBalances
{
    public BalanceView? Balance { get; set; }
    public decimal Spent { get; set; }
    public int Reads { get; private set; }

    public static BalanceView Prepaid(Guid tenantId, decimal balance, decimal hourly, BalanceState state) =>
        new(tenantId, "EUR", true, balance + 10m, 10m, balance, hourly, hourly > 0 && balance > 0 ? (double)(balance / hourly) : null, state, 5m, null, false);

    public Task<Result<SpendView>> ThisMonthAsync(Guid tenantId, CancellationToken ct)
    {
        Reads++;
        if (Balance is not { } b) return Task.FromResult<Result<SpendView>>(Error.NotFound("Customer"));
        var now = clock.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return Task.FromResult<Result<SpendView>>(new SpendView(tenantId, b.Currency, start, start.AddMonths(1), now, Spent, b.HourlyNow, b));
    }

    public Task<Result<BalanceView>> GetAsync(Guid tenantId, CancellationToken ct) =>
        Task.FromResult(Balance is { } b ? b : (Result<BalanceView>)Error.NotFound("Customer"));

    public Task<Result<IReadOnlyList<CreditView>>> CreditsAsync(Guid tenantId, CancellationToken ct) =>
        Task.FromResult<Result<IReadOnlyList<CreditView>>>(Array.Empty<CreditView>());

    public Task<Result<CreditView>> AddAsync(Guid tenantId, CreditDraft draft, CancellationToken ct) =>
        Task.FromResult<Result<CreditView>>(Error.Forbidden("Not in this fake."));
}
