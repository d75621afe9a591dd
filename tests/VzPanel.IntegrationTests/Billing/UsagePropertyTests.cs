using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using VzPanel.Core.Features.Billing.Rollups;
using VzPanel.Core.Features.Billing.Usage;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.ServiceLayer;

namespace VzPanel.IntegrationTests.Billing;

/// <summary>
/// Random lives of a server on the fake clock (resizes up and down, stops, starts, rollups at any moment, then delete):
/// what the usage export bills equals the integral computed here from what was asked, and its segments follow each other
/// without overlap or gap.
/// </summary>
public sealed class UsagePropertyTests(PostgresServer server) : ServiceLayerTest(server)
{
    // The plan of ServiceLayerTest: 0.004 per GiB-hour, guaranteed GiB 50 % more, 0.01 per vCPU-hour, 0.073 per GiB-month.
    private const decimal DiskHourly = 10 * 0.073m / 730;

    /// <summary>One step: what to do (read against the server's state), how long after the previous one, and a size.</summary>
    public sealed record Step(int Action, int SecondsAfter, int MemoryQuarters);

    [Fact]
    public void TheExportBillsTheIntegralOfWhatEachServerHad_AndSegmentsNeverOverlap()
    {
        var steps = Gen.Choose(0, 99).SelectMany(action => Gen.Choose(1, 3 * 3600), (action, seconds) => (action, seconds))
            .SelectMany(s => Gen.Choose(1, 16), (s, quarters) => new Step(s.action, s.seconds, quarters));
        var lives = Gen.Choose(1, 10).SelectMany(n => Gen.ArrayOf(steps, n)).ToArbitrary();

        Prop.ForAll(lives, life => LiveAsync(life).GetAwaiter().GetResult())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(25));
    }

    private async Task LiveAsync(Step[] life)
    {
        var born = Host.Clock.GetUtcNow();
        var instance = await ServerAsync(memoryMiB: 1024, guaranteePercent: 50, vcpus: 1, diskGiB: 10);
        var model = new Model(born, memoryMiB: 1024);
        foreach (var step in life)
        {
            Host.Clock.Advance(TimeSpan.FromSeconds(step.SecondsAfter));
            var now = Host.Clock.GetUtcNow();
            switch (model.Running, step.Action % 4)
            {
                case (true, 0 or 1):
                    var memory = step.MemoryQuarters * 256L == model.MemoryMiB ? model.MemoryMiB + 256 : step.MemoryQuarters * 256L;
                    await DoneAsync(Host.DoAsync((c, ct) => c.SetMemoryAsync(instance.Id, $"{memory}M", ct)));
                    model.Change(now, running: true, memory);
                    break;
                case (true, 2):
                    await DoneAsync(Host.DoAsync((c, ct) => c.StopAsync(instance.Id, false, ct)));
                    model.Change(now, running: false, model.MemoryMiB);
                    break;
                case (false, 0 or 2):
                    await DoneAsync(Host.DoAsync((c, ct) => c.StartAsync(instance.Id, ct)));
                    model.Change(now, running: true, model.MemoryMiB);
                    break;
                default:
                    await Host.AsAsync<UsageRollup, int>(AccessScope.System, r => r.RunAsync(Ct));
                    break;
            }
        }
        Host.Clock.Advance(TimeSpan.FromSeconds(life[^1].SecondsAfter));
        var died = Host.Clock.GetUtcNow();
        await DoneAsync(Host.DoAsync((c, ct) => c.DeleteAsync(instance.Id, false, ct)));
        model.End(died);
        Host.Clock.Advance(TimeSpan.FromMinutes(90));
        if (life[0].Action % 2 == 0) await Host.AsAsync<UsageRollup, int>(AccessScope.System, r => r.RunAsync(Ct));

        var billed = await ExportAsync(instance.Id, born, "instance");
        var hourly = await ExportAsync(instance.Id, born, "hour");

        Math.Abs(billed.Single().Amount - model.Total).ShouldBeLessThan(0.000001m, $"{billed.Single().Amount} billed, {model.Total} used");
        Math.Abs(hourly.Sum(h => h.Amount) - model.Total).ShouldBeLessThan(0.000001m);
        var segments = await SegmentsAsync(instance.Id);
        segments[0].From.ShouldBe(born);
        segments[^1].To.ShouldBe(died);
        for (var i = 1; i < segments.Count; i++) segments[i].From.ShouldBe(segments[i - 1].To!.Value);   // neither overlap nor gap
    }

    private static async Task DoneAsync(Task<Core.Features.Operations.Operation> operation) =>
        (await operation).State.ShouldBe(Core.Features.Operations.OperationState.Succeeded);

    private async Task<IReadOnlyList<UsageItem>> ExportAsync(Guid instance, DateTimeOffset from, string groupBy)
    {
        var request = new UsageExportRequest(Instance: instance.ToString(), From: Iso(from), To: Iso(Host.Clock.GetUtcNow()), GroupBy: groupBy,
            PageSize: "5000");
        var export = await Host.AsAsync<UsageExport, Core.Common.Result<UsageExportResult>>(ServiceHost.Customer(Alice.Id), e => e.ReadAsync(request, Ct));
        export.Error.ShouldBeNull();
        return export.Value!.Page.Items;
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>What the server had, stretch by stretch, and what that costs at the plan's prices, integrated by hand.</summary>
    private sealed class Model(DateTimeOffset since, long memoryMiB)
    {
        private DateTimeOffset _since = since;

        public bool Running { get; private set; } = true;
        public long MemoryMiB { get; private set; } = memoryMiB;
        public decimal Total { get; private set; }

        private decimal Hourly => Running
            ? MemoryMiB / 1024m * 0.004m + MemoryMiB / 2048m * 0.002m + 0.01m + DiskHourly
            : DiskHourly;

        public void Change(DateTimeOffset at, bool running, long memoryMiB)
        {
            End(at);
            (Running, MemoryMiB) = (running, memoryMiB);
        }

        public void End(DateTimeOffset at)
        {
            Total += Hourly * (decimal)(at - _since).TotalSeconds / 3600m;
            _since = at;
        }
    }
}
