using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Billing.Quotes;

namespace VzPanel.Core.Tests.Features.Billing;

public sealed class PriceQuoteTests
{
    private static readonly PlanPrices Prices = new(MemoryGiBHour: 0.01m, VCpuHour: 0.02m, DiskGiBMonth: 0.73m, GuaranteePremiumShare: 0.5m, "USD");

    [Fact]
    public void ANewServer_CostsNothingNow_AndItsShapeAfter_ForAMonthOf730Hours()
    {
        var quote = PriceQuote.Of(Prices, null, new BillableShape(MemoryMiB: 2048, GuaranteedMiB: 1024, VCpus: 1, DiskGiB: 10));

        (quote.HourlyNow, quote.MonthlyNow).ShouldBe((0m, 0m));
        quote.HourlyAfter.ShouldBe(2 * 0.01m + 1 * 0.005m + 0.02m + 10 * 0.001m);
        quote.MonthlyAfter.ShouldBe(quote.HourlyAfter * 730);
        quote.Currency.ShouldBe("USD");
    }

    [Fact]
    public void AChange_IsTheDifferenceOfBothShapes_AndItemisesTheShapeAfter()
    {
        var now = new BillableShape(1024, 0, 1, 10);
        var after = now with { MemoryMiB = 1536 };

        var quote = PriceQuote.Of(Prices, now, after);

        quote.HourlyDifference.ShouldBe(0.005m);
        quote.MonthlyDifference.ShouldBe(0.005m * 730);
        quote.Lines.Single(l => l.Item == PlanPrices.MemoryItem).Quantity.ShouldBe(1.5m);
        PriceQuote.Of(Prices, after, now).HourlyDifference.ShouldBe(-0.005m);
    }
}
