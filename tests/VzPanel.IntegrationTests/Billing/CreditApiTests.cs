using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VzPanel.IntegrationTests.Tenancy;

namespace VzPanel.IntegrationTests.Billing;

/// <summary><c>/api/v1/tenants/{id}/balance</c> and <c>/credits</c> through the real panel: admins add, the tenant reads its own, nobody else.</summary>
public sealed class CreditApiTests(TenantApiFixture fixture) : IClassFixture<TenantApiFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAdminAddsCredit_TheCustomerReadsItsBalanceAndLedger_NobodyElse()
    {
        await using var admin = await fixture.AdminAsync();
        await using var customer = await fixture.SignInAsync("acme-owner");
        await using var support = await fixture.SignInAsync("helpdesk");
        var acme = fixture.Acme.Id;

        var added = await admin.Http.PostAsJsonAsync($"/api/v1/tenants/{acme}/credits", new { amount = 12.34m, note = "Invoice 2026-0042 paid" }, _ct);
        var fraction = await admin.Http.PostAsJsonAsync($"/api/v1/tenants/{acme}/credits", new { amount = 1.005m, note = "half a cent" }, _ct);
        var byCustomer = await customer.Http.PostAsJsonAsync($"/api/v1/tenants/{acme}/credits", new { amount = 100m, note = "free money" }, _ct);
        var bySupport = await support.Http.PostAsJsonAsync($"/api/v1/tenants/{acme}/credits", new { amount = 100m, note = "goodwill" }, _ct);
        var balance = await customer.Http.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{acme}/balance", _ct);
        var ledger = await customer.Http.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{acme}/credits", _ct);
        var foreign = await customer.Http.GetAsync($"/api/v1/tenants/{fixture.Globex.Id}/balance", _ct);

        added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync(_ct));
        fraction.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await fraction.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("code").GetString().ShouldBe("invalid_credit");
        (byCustomer.StatusCode, bySupport.StatusCode).ShouldBe((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden));
        (balance.GetProperty("credits").GetDecimal(), balance.GetProperty("currency").GetString(), balance.GetProperty("prepaid").GetBoolean())
            .ShouldBe((12.34m, "EUR", true));
        balance.GetProperty("balance").GetDecimal().ShouldBe(12.34m - balance.GetProperty("usage").GetDecimal());
        var line = ledger.EnumerateArray().Single();
        (line.GetProperty("amount").GetDecimal(), line.GetProperty("note").GetString(), line.GetProperty("createdBy").GetString())
            .ShouldBe((12.34m, "Invoice 2026-0042 paid", "admin"));
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Statements_ListTheMonths_AndOneMonthComesAsJsonOrCsv_ForItsOwnTenantOnly()
    {
        await using var customer = await fixture.SignInAsync("acme-owner");
        var acme = fixture.Acme.Id;
        var month = DateTimeOffset.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

        var list = await customer.Http.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{acme}/statements", _ct);
        var json = await customer.Http.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{acme}/statements/{month}", _ct);
        var csv = await customer.Http.GetAsync($"/api/v1/tenants/{acme}/statements/{month}.csv", _ct);
        var bad = await customer.Http.GetAsync($"/api/v1/tenants/{acme}/statements/last-month", _ct);
        var foreign = await customer.Http.GetAsync($"/api/v1/tenants/{fixture.Globex.Id}/statements/{month}", _ct);

        list.EnumerateArray().First().GetProperty("month").GetString().ShouldBe(month);
        (json.GetProperty("month").GetString(), json.GetProperty("final").GetBoolean(), json.GetProperty("tenantName").GetString())
            .ShouldBe((month, false, "Acme Hosting"));
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        (await csv.Content.ReadAsStringAsync(_ct)).ShouldStartWith("month,type,date,instance_id,instance,");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("code").GetString().ShouldBe("invalid_month");
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
