using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.IntegrationTests.Identity;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Tenancy;

namespace VzPanel.IntegrationTests.Billing;

/// <summary>
/// <c>POST /api/v1/instances/quote</c> and <c>/{ref}/quote</c> through the real panel: the answer's shape, the plan's bounds,
/// the caller's scope, and that a quote is a question anyone who may read may ask (read tokens and support too) and queues nothing.
/// </summary>
public sealed class QuoteApiTests(TenantApiFixture fixture) : IClassFixture<TenantApiFixture>
{
    // The seeded plans: 0.004 per GiB-hour, 0.01 per vCPU-hour, disk and guarantees free; 256 MiB–16 GiB, 8 vCPUs.
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACustomer_PricesAResizeOfItsServer_NowAndAfter_ItemisedPerHourAndMonth()
    {
        var server = await fixture.Database.InstanceAsync(fixture.Acme, await fixture.Database.NodeAsync(), memoryMiB: 1024);
        await using var customer = await fixture.SignInAsync("acme-owner");

        var response = await customer.Http.PostAsJsonAsync($"/api/v1/instances/{server.Name}/quote", new { memory = "2G", vCpus = 2 }, _ct);

        var body = await response.Content.ReadAsStringAsync(_ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var quote = JsonDocument.Parse(body).RootElement;
        (quote.GetProperty("currency").GetString(), quote.GetProperty("hourlyNow").GetDecimal(), quote.GetProperty("hourlyAfter").GetDecimal())
            .ShouldBe(("EUR", 0.014m, 0.028m));
        (quote.GetProperty("monthlyNow").GetDecimal(), quote.GetProperty("monthlyAfter").GetDecimal()).ShouldBe((10.22m, 20.44m));
        var lines = quote.GetProperty("lines").EnumerateArray()
            .Select(l => (l.GetProperty("item").GetString(), l.GetProperty("quantity").GetDecimal(), l.GetProperty("unitPrice").GetDecimal(),
                l.GetProperty("hourly").GetDecimal())).ToList();
        lines.ShouldContain(("memory", 2m, 0.004m, 0.008m));
        lines.ShouldContain(("vcpu", 2m, 0.01m, 0.02m));
        await ShouldHaveQueuedNothingAsync(server.Id);
    }

    [Fact]
    public async Task TheCreateBody_IsPricedBeforeTheServerExists_AndPastThePlanTheBoundIsNamed()
    {
        await using var customer = await fixture.SignInAsync("acme-owner");
        var create = new { name = "web-1", kind = "Ct", template = "busybox", memory = "4G", memoryGuaranteePercent = 50, vCpus = 1 };

        var priced = await customer.Http.PostAsJsonAsync("/api/v1/instances/quote", create, _ct);
        var tooBig = await customer.Http.PostAsJsonAsync("/api/v1/instances/quote", create with { memory = "64G" }, _ct);

        var quote = await priced.Content.ReadFromJsonAsync<JsonElement>(_ct);
        (quote.GetProperty("hourlyNow").GetDecimal(), quote.GetProperty("hourlyAfter").GetDecimal()).ShouldBe((0m, 0.026m));
        tooBig.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await tooBig.Content.ReadFromJsonAsync<JsonElement>(_ct);
        problem.GetProperty("code").GetString().ShouldBe("validation");
        problem.GetProperty("errors").GetProperty("memory")[0].GetString().ShouldEndWith("of memory, not 64G.");
    }

    [Fact]
    public async Task AnotherCustomersServer_IsNotFound_AndBadNumbersAre400WithTheField()
    {
        var globex = await fixture.Database.InstanceAsync(fixture.Globex, await fixture.Database.NodeAsync());
        var acme = await fixture.Database.InstanceAsync(fixture.Acme, await fixture.Database.NodeAsync());
        await using var customer = await fixture.SignInAsync("acme-owner");

        var foreign = await customer.Http.PostAsJsonAsync($"/api/v1/instances/{globex.Id}/quote", new { memory = "2G" }, _ct);
        var badUnit = await customer.Http.PostAsJsonAsync($"/api/v1/instances/{acme.Id}/quote", new { memory = "two gigs" }, _ct);
        var badVCpus = await customer.Http.PostAsJsonAsync($"/api/v1/instances/{acme.Id}/quote", new { vCpus = 0 }, _ct);

        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        badUnit.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badUnit.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("errors").TryGetProperty("memory", out _).ShouldBeTrue();
        badVCpus.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badVCpus.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("errors").TryGetProperty("vCpus", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task AReadToken_AndSupport_MayAskForAQuote_ButNotMakeTheChange()
    {
        var server = await fixture.Database.InstanceAsync(fixture.Acme, await fixture.Database.NodeAsync());
        await using var customer = await fixture.SignInAsync("acme-owner");
        var token = await AccountSecurityApiTests.CreateTokenAsync(customer, "quotes-only", "read");
        using var bearer = new HttpClient { BaseAddress = fixture.Panel.BaseUrl };
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        await using var support = await fixture.SignInAsync("helpdesk");

        var tokenQuote = await bearer.PostAsJsonAsync($"/api/v1/instances/{server.Id}/quote", new { memory = "3G" }, _ct);
        var tokenResize = await bearer.PutAsJsonAsync($"/api/v1/instances/{server.Id}/memory", new { memory = "3G" }, _ct);
        var supportQuote = await support.Http.PostAsJsonAsync($"/api/v1/instances/{server.Id}/quote", new { memory = "3G" }, _ct);
        var supportResize = await support.Http.PutAsJsonAsync($"/api/v1/instances/{server.Id}/memory", new { memory = "3G" }, _ct);

        tokenQuote.StatusCode.ShouldBe(HttpStatusCode.OK);
        supportQuote.StatusCode.ShouldBe(HttpStatusCode.OK);
        tokenResize.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        supportResize.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await ShouldHaveQueuedNothingAsync(server.Id);
    }

    private async Task ShouldHaveQueuedNothingAsync(Guid instanceId)
    {
        await using var db = fixture.Database.CreateContext();
        (await db.Operations.CountAsync(o => o.TargetId == instanceId, _ct)).ShouldBe(0);
        (await db.Instances.AsNoTracking().SingleAsync(i => i.Id == instanceId, _ct)).MemoryMiB.ShouldBe(1024);
    }
}
