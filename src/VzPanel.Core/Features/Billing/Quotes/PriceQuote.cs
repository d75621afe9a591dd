namespace VzPanel.Core.Features.Billing.Quotes;

/// <summary>
/// What a server costs now and what it would cost after a change, per hour and per month of
/// <see cref="PlanPrices.HoursPerMonth"/> hours, at its plan's prices today. Both sides price the server running (a
/// stopped server pays for its disk only). <see cref="Lines"/> itemise the shape after the change. Amounts are unrounded,
/// as the meter bills them; pages round for display.
/// </summary>
public sealed record PriceQuote(
    string Currency, decimal HourlyNow, decimal HourlyAfter, decimal MonthlyNow, decimal MonthlyAfter, IReadOnlyList<PriceLine> Lines)
{
    public decimal HourlyDifference => HourlyAfter - HourlyNow;
    public decimal MonthlyDifference => MonthlyAfter - MonthlyNow;

    /// <summary>The one pricing of a change, for the API and the pages alike. <paramref name="now"/> is null for a new server.</summary>
    public static PriceQuote Of(PlanPrices prices, BillableShape? now, BillableShape after)
    {
        var hourlyNow = now is { } current ? prices.Hourly(current) : 0m;
        var lines = prices.Lines(after);
        var hourlyAfter = lines.Sum(l => l.Hourly);
        return new PriceQuote(prices.Currency, hourlyNow, hourlyAfter, hourlyNow * PlanPrices.HoursPerMonth, hourlyAfter * PlanPrices.HoursPerMonth, lines);
    }
}
