using VzPanel.Core.Features.Billing;

namespace VzPanel.Core.Tests.Features.Billing;

public sealed class PlanPricesTests
{
    private static readonly PlanPrices Prices = new(MemoryGiBHour: 0.004m, VCpuHour: 0.01m, DiskGiBMonth: 0.073m, GuaranteePremiumShare: 0.25m, "EUR");

    [Fact]
    public void Lines_PriceEachItem_DiskByTheMonthOf730Hours_GuaranteeAsAShareOfTheMemoryPrice()
    {
        var lines = Prices.Lines(new BillableShape(MemoryMiB: 2048, GuaranteedMiB: 1024, VCpus: 2, DiskGiB: 20));

        lines.Select(l => (l.Item, l.Quantity, l.UnitPrice, l.Hourly)).ShouldBe([
            (PlanPrices.MemoryItem, 2m, 0.004m, 0.008m),
            (PlanPrices.GuaranteeItem, 1m, 0.001m, 0.001m),
            (PlanPrices.VCpuItem, 2m, 0.01m, 0.02m),
            (PlanPrices.DiskItem, 20m, 0.073m, 0.002m)]);
        Prices.Hourly(new BillableShape(2048, 1024, 2, 20)).ShouldBe(0.031m);
    }

    [Fact]
    public void AStoppedServer_PaysForItsDiskOnly()
    {
        Prices.Hourly(BillableShape.DiskOnly(100)).ShouldBe(0.01m);
    }
}
