using VzPanel.Core.Common;
using VzPanel.Core.Features.Billing.Credit;

namespace VzPanel.Web.Tests.Pages.Customers;

/// <summary>Balances and ledgers held in memory; added credit is recorded, and answered with <see cref="Answers"/> in turn while there are any.</summary>
internal sealed class FakeCreditBalances : ICreditBalances
{
    public Dictionary<Guid, BalanceView> Balances { get; } = [];
    public Dictionary<Guid, List<CreditView>> Ledgers { get; } = [];
    public List<(Guid TenantId, CreditDraft Draft)> Added { get; } = [];
    public Queue<Error> Answers { get; } = new();

    public static BalanceView Balance(Guid tenantId, decimal credits, decimal usage, decimal hourly = 0.05m, BalanceState state = BalanceState.Ok,
        bool suspended = false, bool prepaid = true)
    {
        var balance = credits - usage;
        return new BalanceView(tenantId, "EUR", prepaid, credits, usage, balance, hourly, balance > 0 && hourly > 0 ? (double)(balance / hourly) : null,
            state, 5m, state == BalanceState.Exhausted ? DateTimeOffset.UtcNow.AddHours(-3) : null, suspended);
    }

    public Task<Result<BalanceView>> GetAsync(Guid tenantId, CancellationToken ct) =>
        Task.FromResult<Result<BalanceView>>(Balances.TryGetValue(tenantId, out var b) ? b : Error.NotFound("Customer"));

    public Task<Result<IReadOnlyList<CreditView>>> CreditsAsync(Guid tenantId, CancellationToken ct) =>
        Task.FromResult<Result<IReadOnlyList<CreditView>>>(Ledgers.GetValueOrDefault(tenantId)?.ToList() ?? []);

    public Task<Result<CreditView>> AddAsync(Guid tenantId, CreditDraft draft, CancellationToken ct)
    {
        Added.Add((tenantId, draft));
        if (Answers.TryDequeue(out var error)) return Task.FromResult<Result<CreditView>>(error);
        var line = new CreditView(Added.Count, tenantId, draft.Amount, "EUR", draft.Note ?? "", "admin", DateTimeOffset.UtcNow);
        if (!Ledgers.TryGetValue(tenantId, out var ledger)) Ledgers[tenantId] = ledger = [];
        ledger.Insert(0, line);
        if (Balances.TryGetValue(tenantId, out var b))
            Balances[tenantId] = b with { Credits = b.Credits + draft.Amount, Balance = b.Balance + draft.Amount };
        return Task.FromResult<Result<CreditView>>(line);
    }
}
