using VzPanel.Core.Features.Billing.Credit;
using VzPanel.Web.Security;

namespace VzPanel.Web.Endpoints;

/// <summary>
/// A tenant's prepaid credit: anyone who may see the tenant reads its balance and ledger (a customer only its own; another
/// id is 404), only administrators add credit or corrections.
/// </summary>
internal static class CreditApi
{
    public static void MapCreditApi(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapGroup("/api/v1/tenants/{id:guid}").RequireAuthorization(Policies.SignedIn).WithTags("Billing");

        tenant.MapGet("/balance", async (Guid id, ICreditBalances balances, CancellationToken ct) =>
                (await balances.GetAsync(id, ct)).ToHttp(TypedResults.Ok))
            .WithSummary("Credit added, usage up to now (the hour in progress included, rounded once to the cent), the balance, the hourly "
                + "rate now and how long the balance lasts at it; state Ok, Low (below Billing:LowBalanceThreshold) or Exhausted.");

        tenant.MapGet("/credits", async (Guid id, ICreditBalances balances, CancellationToken ct) =>
                (await balances.CreditsAsync(id, ct)).ToHttp(TypedResults.Ok))
            .WithSummary("The credit ledger, newest first: each credit or correction with its note, who added it and when.");

        tenant.MapPost("/credits", async (Guid id, CreditDraft draft, ICreditBalances balances, CancellationToken ct) =>
                (await balances.AddAsync(id, draft, ct)).ToHttp(c => TypedResults.Created($"/api/v1/tenants/{id}/credits", c)))
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Add credit (amount > 0) or a correction (amount < 0) in whole cents with a note; audited. A tenant suspended "
                + "for non-payment that is back above zero is reactivated and its stopped servers start again at once.");
    }
}
