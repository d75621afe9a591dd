using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Operations;

namespace VzPanel.IntegrationTests.Tenancy;

/// <summary>The real panel with two customers (one login each), a support login and the first admin.</summary>
public sealed class TenantApiFixture(PostgresServer server) : PanelFixture(server), IAsyncLifetime
{
    public Tenant Acme { get; private set; } = null!;
    public Tenant Globex { get; private set; } = null!;

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Acme = await Database.TenantAsync("Acme Hosting");
        Globex = await Database.TenantAsync("Globex Shop");
        await Database.CreateUserAsync("acme-owner", PanelRole.Customer, Acme.Id);
        await Database.CreateUserAsync("globex-owner", PanelRole.Customer, Globex.Id);
        await Database.CreateUserAsync("helpdesk", PanelRole.Support);
    }

    public Task<PanelSession> AdminAsync() => PanelSession.SignInAsync(Panel, "admin", AdminPassword);

    public Task<PanelSession> SignInAsync(string userName) => PanelSession.SignInAsync(Panel, userName, TestUsers.Password);
}

/// <summary><c>/api/v1/tenants</c> through the real panel: who may read and change which customer account, and the answers' shape.</summary>
public sealed class TenantApiTests(TenantApiFixture fixture) : IClassFixture<TenantApiFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admin_CreatesReadsChangesAndDeletesATenant()
    {
        await using var admin = await fixture.AdminAsync();
        var planId = fixture.Acme.PlanId;

        var created = await admin.Http.PostAsJsonAsync("/api/v1/tenants", new
        {
            name = "Initech", contactEmail = "it@initech.example", planId,
            quotas = new { maxServers = 3, maxMemoryMiB = 8192, maxGuaranteedMiB = (long?)null, maxVCpus = 4, maxDiskGiB = 100 },
        }, _ct);
        var body = await created.Content.ReadAsStringAsync(_ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        var tenant = JsonDocument.Parse(body).RootElement;
        var id = tenant.GetProperty("id").GetGuid();
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/tenants/{id}");
        (tenant.GetProperty("name").GetString(), tenant.GetProperty("contactEmail").GetString(), tenant.GetProperty("planId").GetGuid(),
            tenant.GetProperty("state").GetString()).ShouldBe(("Initech", "it@initech.example", planId, "Active"));
        var quotas = tenant.GetProperty("quotas");
        (quotas.GetProperty("maxServers").GetInt32(), quotas.GetProperty("maxMemoryMiB").GetInt64(), quotas.GetProperty("maxGuaranteedMiB").ValueKind,
            quotas.GetProperty("maxVCpus").GetInt32(), quotas.GetProperty("maxDiskGiB").GetInt64()).ShouldBe((3, 8192L, JsonValueKind.Null, 4, 100L));
        var usage = tenant.GetProperty("usage");
        (usage.GetProperty("servers").GetInt32(), usage.GetProperty("memoryMiB").GetInt64(), usage.GetProperty("guaranteedMiB").GetInt64(),
            usage.GetProperty("vCpus").GetInt32(), usage.GetProperty("diskGiB").GetInt64()).ShouldBe((0, 0L, 0L, 0, 0L));

        var patched = await admin.Http.PatchAsJsonAsync($"/api/v1/tenants/{id}", new { state = "Suspended", quotas = new { maxServers = 10 } }, _ct);
        var patchedBody = JsonDocument.Parse(await patched.Content.ReadAsStringAsync(_ct)).RootElement;
        patched.StatusCode.ShouldBe(HttpStatusCode.OK);
        patchedBody.GetProperty("state").GetString().ShouldBe("Suspended");
        patchedBody.GetProperty("quotas").GetProperty("maxServers").GetInt32().ShouldBe(10);
        patchedBody.GetProperty("quotas").GetProperty("maxMemoryMiB").ValueKind.ShouldBe(JsonValueKind.Null);   // quotas replace all five
        patchedBody.GetProperty("contactEmail").GetString().ShouldBe("it@initech.example");                      // omitted: unchanged

        var list = await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/tenants", _ct);
        var names = list.EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToList();
        names.ShouldContain("Initech");
        names.ShouldBe(names.Order(StringComparer.Ordinal).ToList());   // by name; other tests add their own tenants

        (await admin.Http.DeleteAsync($"/api/v1/tenants/{id}", _ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.Http.GetAsync($"/api/v1/tenants/{id}", _ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await using var db = fixture.Database.CreateContext();
        (await db.AuditEvents.Where(a => a.TargetId == id.ToString()).Select(a => a.Action).ToListAsync(_ct))
            .ShouldBe(["tenant.create", "tenant.update", "tenant.delete"], ignoreOrder: true);
    }

    [Fact]
    public async Task BadInput_AnswersProblemsWithCodes()
    {
        await using var admin = await fixture.AdminAsync();

        var taken = await (await admin.Http.PostAsJsonAsync("/api/v1/tenants", new { name = "Acme Hosting", planId = fixture.Acme.PlanId }, _ct)).ProblemAsync();
        var email = await (await admin.Http.PostAsJsonAsync("/api/v1/tenants", new { name = "Umbrella", contactEmail = "nope", planId = fixture.Acme.PlanId }, _ct)).ProblemAsync();
        var quota = await (await admin.Http.PatchAsJsonAsync($"/api/v1/tenants/{fixture.Globex.Id}", new { quotas = new { maxVCpus = -2 } }, _ct)).ProblemAsync();
        var plan = await (await admin.Http.PostAsJsonAsync("/api/v1/tenants", new { name = "Umbrella", planId = Guid.NewGuid() }, _ct)).ProblemAsync();

        (taken.Status, taken.Code, taken.Detail).ShouldBe((HttpStatusCode.Conflict, "tenant_name_taken", "There is already a customer named 'Acme Hosting'."));
        (email.Status, email.Code).ShouldBe((HttpStatusCode.BadRequest, "invalid_email"));
        (quota.Status, quota.Code).ShouldBe((HttpStatusCode.BadRequest, "invalid_quota"));
        (plan.Status, plan.Code).ShouldBe((HttpStatusCode.BadRequest, "unknown_plan"));
    }

    [Fact]
    public async Task Delete_ATenantWithServers_Answers409WithTheCount()
    {
        await using var admin = await fixture.AdminAsync();
        var node = await fixture.Database.NodeAsync();
        var doomed = await fixture.Database.TenantAsync("Hooli");
        await fixture.Database.ServerAsync(doomed, node);

        var problem = await (await admin.Http.DeleteAsync($"/api/v1/tenants/{doomed.Id}", _ct)).ProblemAsync();

        (problem.Status, problem.Code, problem.Detail).ShouldBe((HttpStatusCode.Conflict, "tenant_in_use",
            "Hooli still has 1 server; delete them first (or suspend the customer instead)."));
    }

    [Fact]
    public async Task Support_ReadsEveryTenant_AndChangesNone()
    {
        await using var support = await fixture.SignInAsync("helpdesk");

        var list = await support.Http.GetFromJsonAsync<JsonElement>("/api/v1/tenants", _ct);
        var changes = new[]
        {
            await support.Http.PostAsJsonAsync("/api/v1/tenants", new { name = "Sneaky", planId = fixture.Acme.PlanId }, _ct),
            await support.Http.PatchAsJsonAsync($"/api/v1/tenants/{fixture.Acme.Id}", new { state = "Suspended" }, _ct),
            await support.Http.DeleteAsync($"/api/v1/tenants/{fixture.Globex.Id}", _ct),
        };

        list.EnumerateArray().Select(t => t.GetProperty("name").GetString()).ShouldContain("Globex Shop");
        changes.Select(r => r.StatusCode).ShouldAllBe(s => s == HttpStatusCode.Forbidden);
        await using var db = fixture.Database.CreateContext();
        (await db.Tenants.SingleAsync(t => t.Id == fixture.Acme.Id, _ct)).State.ShouldBe(TenantState.Active);
        (await db.Tenants.AnyAsync(t => t.Name == "Sneaky", _ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Customer_SeesOnlyItsOwnTenant_AnotherIdIs404_AndChangesAre403()
    {
        await using var acme = await fixture.SignInAsync("acme-owner");

        var list = await acme.Http.GetFromJsonAsync<JsonElement>("/api/v1/tenants", _ct);
        var own = await acme.Http.GetAsync($"/api/v1/tenants/{fixture.Acme.Id}", _ct);
        var other = await (await acme.Http.GetAsync($"/api/v1/tenants/{fixture.Globex.Id}", _ct)).ProblemAsync();
        var raise = await acme.Http.PatchAsJsonAsync($"/api/v1/tenants/{fixture.Acme.Id}", new { quotas = new { maxServers = 1000 } }, _ct);
        var create = await acme.Http.PostAsJsonAsync("/api/v1/tenants", new { name = "Mine too", planId = fixture.Acme.PlanId }, _ct);

        list.EnumerateArray().Select(t => t.GetProperty("name").GetString()).ShouldBe(["Acme Hosting"]);
        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        (other.Status, other.Code).ShouldBe((HttpStatusCode.NotFound, "not_found"));
        raise.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        create.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Customer_CreatingPastItsQuota_Answers409WithTheNumbers()
    {
        var tenant = await fixture.Database.TenantAsync("Pied Piper");
        await fixture.Database.WithQuotasAsync(tenant, new TenantQuotas { MaxServers = 1 });
        await fixture.Database.ServerAsync(tenant, await fixture.Database.NodeAsync());
        await fixture.Database.CreateUserAsync("piper-owner", PanelRole.Customer, tenant.Id);
        await using var owner = await fixture.SignInAsync("piper-owner");

        var problem = await (await owner.CreateAsync(new { name = "piper-2", kind = "Ct", template = "debian-12", memory = "1G" })).ProblemAsync();

        (problem.Status, problem.Code, problem.Detail).ShouldBe((HttpStatusCode.Conflict, "quota_exceeded", "Pied Piper may have 1 server; it has 1 and asks for 1 more."));
    }

    [Fact]
    public async Task SuspendedCustomer_ReadsButChangesNothing()
    {
        var tenant = await fixture.Database.TenantAsync("Vandelay");
        var server = await fixture.Database.ServerAsync(tenant, await fixture.Database.NodeAsync(), state: Core.Features.Instances.InstanceState.Stopped);
        await fixture.Database.CreateUserAsync("vandelay-owner", PanelRole.Customer, tenant.Id);
        await using var admin = await fixture.AdminAsync();
        (await admin.Http.PatchAsJsonAsync($"/api/v1/tenants/{tenant.Id}", new { state = "Suspended" }, _ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var owner = await fixture.SignInAsync("vandelay-owner");   // signing in still works

        var me = await owner.Http.GetFromJsonAsync<JsonElement>("/api/v1/me", _ct);
        var read = await owner.Http.GetAsync($"/api/v1/instances/{server.Id}", _ct);
        var start = await (await owner.PowerAsync(server.Id, "start")).ProblemAsync();

        me.GetProperty("canChangeInventory").GetBoolean().ShouldBeFalse();
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        (start.Status, start.Code, start.Detail).ShouldBe((HttpStatusCode.Forbidden, "tenant_suspended",
            "Vandelay is suspended: you can look, not change. Contact your provider to have it resumed."));
        await using var db = fixture.Database.CreateContext();
        (await db.Operations.AnyAsync(o => o.TargetId == server.Id, _ct)).ShouldBeFalse();
    }
}
