using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Operations;

namespace VzPanel.IntegrationTests.Billing;

/// <summary>
/// The real panel with two customers (a login each), a support login and the first admin. Each customer has one server
/// that ran three hours on 2 November 2026 at 1 GiB and 1 vCPU (0.014 an hour on the seeded plans).
/// </summary>
public sealed class UsageApiFixture(PostgresServer server) : PanelFixture(server), IAsyncLifetime
{
    public static readonly DateTimeOffset Ran = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    public Tenant Acme { get; private set; } = null!;
    public Tenant Globex { get; private set; } = null!;
    public Instance AcmeServer { get; private set; } = null!;
    public Instance GlobexServer { get; private set; } = null!;

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Acme = await Database.TenantAsync("Acme Usage");
        Globex = await Database.TenantAsync("Globex Usage");
        var node = await Database.NodeAsync();
        AcmeServer = await Database.InstanceAsync(Acme, node, "acme-web");
        GlobexServer = await Database.InstanceAsync(Globex, node, "globex-db");
        await using var db = Database.CreateContext();
        db.UsageSegments.AddRange(Ran3Hours(AcmeServer, Acme.PlanId), Ran3Hours(GlobexServer, Globex.PlanId));
        await db.SaveChangesAsync();
        await Database.CreateUserAsync("acme-billing", PanelRole.Customer, Acme.Id);
        await Database.CreateUserAsync("usage-support", PanelRole.Support);
    }

    private static UsageSegment Ran3Hours(Instance server, Guid planId) => new()
    {
        InstanceId = server.Id, TenantId = server.TenantId, PlanId = planId, MemoryMiB = 1024, VCpus = 1,
        PriceMemoryGiBHour = 0.004m, PriceVCpuHour = 0.01m, Currency = "EUR", From = Ran, To = Ran.AddHours(3),
    };

    public Task<PanelSession> AdminAsync() => PanelSession.SignInAsync(Panel, "admin", AdminPassword);

    public Task<PanelSession> SignInAsync(string userName) => PanelSession.SignInAsync(Panel, userName, TestUsers.Password);
}

/// <summary><c>GET /api/v1/usage</c> through the real panel: JSON and CSV, paging, each bad input's code, and who reads whose usage.</summary>
public sealed class UsageApiTests(UsageApiFixture fixture) : IClassFixture<UsageApiFixture>
{
    private const string November2 = "from=2026-11-02&to=2026-11-03T00:00:00Z";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hourly_AsJson_IsOneItemPerServerAndHour_Unrounded()
    {
        await using var admin = await fixture.AdminAsync();

        var page = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/usage?{November2}&instance={fixture.AcmeServer.Id}", _ct);

        (page.GetProperty("page").GetInt32(), page.GetProperty("pageSize").GetInt32(), page.GetProperty("total").GetInt32()).ShouldBe((1, 500, 3));
        var items = page.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("period").GetDateTimeOffset()).ShouldBe([UsageFixtureHours(0), UsageFixtureHours(1), UsageFixtureHours(2)]);
        var first = items[0];
        (first.GetProperty("tenantId").GetGuid(), first.GetProperty("instanceId").GetGuid(), first.GetProperty("instanceName").GetString(),
            first.GetProperty("currency").GetString()).ShouldBe((fixture.Acme.Id, fixture.AcmeServer.Id, "acme-web", "EUR"));
        (first.GetProperty("memoryGiBHours").GetDecimal(), first.GetProperty("guaranteedGiBHours").GetDecimal(), first.GetProperty("vCpuHours").GetDecimal(),
            first.GetProperty("diskGiBMonths").GetDecimal(), first.GetProperty("amount").GetDecimal()).ShouldBe((1m, 0m, 1m, 0m, 0.014m));
        first.GetProperty("planId").ValueKind.ShouldBe(JsonValueKind.String);
    }

    [Fact]
    public async Task Paging_GivesTheRestOfTheRows_AndTheTotalPastTheEnd()
    {
        await using var admin = await fixture.AdminAsync();
        var query = $"/api/v1/usage?{November2}&tenant={fixture.Acme.Id}&pageSize=2";

        var second = await admin.Http.GetFromJsonAsync<JsonElement>(query + "&page=2", _ct);
        var past = await admin.Http.GetFromJsonAsync<JsonElement>(query + "&page=9", _ct);

        second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("period").GetDateTimeOffset()).ShouldBe([UsageFixtureHours(2)]);
        (second.GetProperty("page").GetInt32(), second.GetProperty("pageSize").GetInt32(), second.GetProperty("total").GetInt32()).ShouldBe((2, 2, 3));
        (past.GetProperty("items").GetArrayLength(), past.GetProperty("total").GetInt32()).ShouldBe((0, 3));
    }

    [Fact]
    public async Task Csv_HasAHeaderRow_AndOneInvariantLinePerItem()
    {
        await using var admin = await fixture.AdminAsync();

        var response = await admin.Http.GetAsync($"/api/v1/usage?{November2}&tenant={fixture.Acme.Id}&groupBy=day&format=csv", _ct);
        var lines = (await response.Content.ReadAsStringAsync(_ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Headers.GetValues("X-Total-Count").Single().ShouldBe("1");
        lines.ShouldBe([
            "period,tenantId,instanceId,instanceName,planId,currency,memoryGiBHours,guaranteedGiBHours,vCpuHours,diskGiBMonths,amount",
            $"2026-11-02T00:00:00Z,{fixture.Acme.Id},{fixture.AcmeServer.Id},acme-web,{fixture.Acme.PlanId},EUR,3.000000000,0.000000000,3.000000000,0.000000000,0.042000000"]);
    }

    [Theory]
    [InlineData("from=2026-11-03&to=2026-11-02", "invalid_period", "from")]
    [InlineData("from=2025-11-01&to=2026-11-03", "invalid_period", "366 days")]
    [InlineData("from=yesterday", "invalid_period", "ISO 8601")]
    [InlineData("groupBy=week", "invalid_group_by", "week")]
    [InlineData("format=xml", "invalid_format", "xml")]
    [InlineData("page=0", "invalid_page", "page")]
    [InlineData("page=two", "invalid_page", "page")]
    [InlineData("pageSize=5001", "invalid_page_size", "5000")]
    [InlineData("pageSize=0", "invalid_page_size", "5000")]
    [InlineData("tenant=acme", "invalid_id", "UUID")]
    [InlineData("instance=42", "invalid_id", "UUID")]
    public async Task BadInput_Is400WithItsCodeAndReason(string query, string code, string reason)
    {
        await using var admin = await fixture.AdminAsync();

        var problem = await (await admin.Http.GetAsync($"/api/v1/usage?{query}", _ct)).ProblemAsync();

        (problem.Status, problem.Code).ShouldBe((HttpStatusCode.BadRequest, code), problem.Body);
        problem.Detail!.ShouldContain(reason);
    }

    [Fact]
    public async Task ACustomer_ReadsItsOwnUsageOnly_AnotherTenantOrServerIs404()
    {
        await using var acme = await fixture.SignInAsync("acme-billing");

        var own = await acme.Http.GetFromJsonAsync<JsonElement>($"/api/v1/usage?{November2}&groupBy=instance", _ct);
        var otherTenant = await (await acme.Http.GetAsync($"/api/v1/usage?{November2}&tenant={fixture.Globex.Id}", _ct)).ProblemAsync();
        var otherServer = await (await acme.Http.GetAsync($"/api/v1/usage?{November2}&instance={fixture.GlobexServer.Id}", _ct)).ProblemAsync();

        var item = own.GetProperty("items").EnumerateArray().Single();
        (item.GetProperty("instanceId").GetGuid(), item.GetProperty("amount").GetDecimal(), item.GetProperty("period").GetDateTimeOffset())
            .ShouldBe((fixture.AcmeServer.Id, 0.042m, UsageFixtureHours(0)));   // per server: the period's start
        (otherTenant.Status, otherTenant.Code).ShouldBe((HttpStatusCode.NotFound, "not_found"));
        (otherServer.Status, otherServer.Code).ShouldBe((HttpStatusCode.NotFound, "not_found"));
    }

    [Fact]
    public async Task Support_ReadsEveryTenantsUsage()
    {
        await using var support = await fixture.SignInAsync("usage-support");

        var all = await support.Http.GetFromJsonAsync<JsonElement>($"/api/v1/usage?{November2}&groupBy=instance", _ct);

        all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("instanceId").GetGuid())
            .ShouldBe([fixture.AcmeServer.Id, fixture.GlobexServer.Id], ignoreOrder: true);
    }

    [Fact]
    public async Task ThePanel_SchedulesTheHourlyRollup_EveryFiveMinutesUtc()
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync(_ct);
        await using var command = new NpgsqlCommand("SELECT field, value FROM hangfire.hash WHERE key = 'recurring-job:usage-hourly-rollup'", connection);
        var fields = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync(_ct))
            while (await reader.ReadAsync(_ct)) fields[reader.GetString(0)] = reader.GetString(1);

        (fields.GetValueOrDefault("Cron"), fields.GetValueOrDefault("TimeZoneId")).ShouldBe(("*/5 * * * *", "UTC"));
        fields.GetValueOrDefault("Job").ShouldNotBeNull().ShouldContain("UsageRollup");
    }

    private static DateTimeOffset UsageFixtureHours(int hours) => UsageApiFixture.Ran.AddHours(hours);
}
