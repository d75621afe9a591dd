using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.IntegrationTests.Infrastructure;
using VzPanel.IntegrationTests.Operations;
using VzPanel.IntegrationTests.Tenancy;

namespace VzPanel.IntegrationTests.Billing;

/// <summary><c>/api/v1/plans</c> through the real panel: admins change plans, support reads them all, a customer reads its own only.</summary>
public sealed class PlanApiTests(TenantApiFixture fixture) : IClassFixture<TenantApiFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static object NewPlan(string name, decimal pricePerGiBHour = 0.005m) => new
    {
        name, memoryMinMiB = 512, memoryMaxMiB = 32768, vCpuMax = 16, diskMaxGiB = 500, pricePerGiBHour, pricePerVCpuHour = 0.012m,
        pricePerDiskGiBMonth = 0.08m, guaranteePremiumShare = 0.5m, currency = "EUR", billing = "Postpaid",
    };

    [Fact]
    public async Task Admin_CreatesReadsChangesAndDeletesAPlan()
    {
        await using var admin = await fixture.AdminAsync();

        var created = await admin.Http.PostAsJsonAsync("/api/v1/plans", NewPlan("Business"), _ct);
        var body = await created.Content.ReadAsStringAsync(_ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        var plan = JsonDocument.Parse(body).RootElement;
        var id = plan.GetProperty("id").GetGuid();
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/plans/{id}");
        (plan.GetProperty("name").GetString(), plan.GetProperty("memoryMinMiB").GetInt64(), plan.GetProperty("memoryMaxMiB").GetInt64(),
            plan.GetProperty("vCpuMax").GetInt32(), plan.GetProperty("diskMaxGiB").GetInt64(), plan.GetProperty("pricePerGiBHour").GetDecimal(),
            plan.GetProperty("pricePerVCpuHour").GetDecimal(), plan.GetProperty("pricePerDiskGiBMonth").GetDecimal(),
            plan.GetProperty("guaranteePremiumShare").GetDecimal(), plan.GetProperty("currency").GetString(), plan.GetProperty("billing").GetString(),
            plan.GetProperty("retired").GetBoolean(), plan.GetProperty("tenantCount").GetInt32(), plan.GetProperty("serverCount").GetInt32())
            .ShouldBe(("Business", 512L, 32768L, 16, 500L, 0.005m, 0.012m, 0.08m, 0.5m, "EUR", "Postpaid", false, 0, 0));

        var patched = await admin.Http.PatchAsJsonAsync($"/api/v1/plans/{id}", new { pricePerGiBHour = 0.006m, retired = true }, _ct);
        var patchedBody = JsonDocument.Parse(await patched.Content.ReadAsStringAsync(_ct)).RootElement;
        patched.StatusCode.ShouldBe(HttpStatusCode.OK);
        (patchedBody.GetProperty("pricePerGiBHour").GetDecimal(), patchedBody.GetProperty("retired").GetBoolean()).ShouldBe((0.006m, true));
        patchedBody.GetProperty("pricePerVCpuHour").GetDecimal().ShouldBe(0.012m);   // omitted: unchanged

        var list = await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/plans", _ct);
        list.EnumerateArray().Select(p => p.GetProperty("name").GetString()).ShouldContain("Business");
        (await admin.Http.GetAsync($"/api/v1/plans/{id}", _ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await admin.Http.DeleteAsync($"/api/v1/plans/{id}", _ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.Http.GetAsync($"/api/v1/plans/{id}", _ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await using var db = fixture.Database.CreateContext();
        (await db.AuditEvents.Where(a => a.TargetId == id.ToString()).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(_ct))
            .ShouldBe(["plan.create", "plan.update", "plan.delete"]);
    }

    [Fact]
    public async Task BadInput_AndConflicts_AnswerProblemsWithCodes()
    {
        await using var admin = await fixture.AdminAsync();
        var tenant = await fixture.Database.TenantAsync("Wayne Hosting");
        await fixture.Database.ServerAsync(tenant, await fixture.Database.NodeAsync());
        string acmePlan;
        await using (var db = fixture.Database.CreateContext())
            acmePlan = (await db.Plans.SingleAsync(p => p.Id == fixture.Acme.PlanId, _ct)).Name;

        var negative = await admin.Http.PostAsJsonAsync("/api/v1/plans", NewPlan("Cheap", pricePerGiBHour: -1m), _ct);
        var taken = await (await admin.Http.PostAsJsonAsync("/api/v1/plans", NewPlan(acmePlan.ToUpperInvariant()), _ct)).ProblemAsync();
        var badBilling = await (await admin.Http.PatchAsJsonAsync($"/api/v1/plans/{tenant.PlanId}", new { billing = "Weekly" }, _ct)).ProblemAsync();
        var unconfirmed = await (await admin.Http.PatchAsJsonAsync($"/api/v1/plans/{tenant.PlanId}", new { pricePerVCpuHour = 0.02m }, _ct)).ProblemAsync();
        var affected = JsonDocument.Parse(unconfirmed.Body).RootElement;
        var confirmed = await admin.Http.PatchAsJsonAsync($"/api/v1/plans/{tenant.PlanId}", new { pricePerVCpuHour = 0.02m, confirm = true }, _ct);
        var inUse = await (await admin.Http.DeleteAsync($"/api/v1/plans/{tenant.PlanId}", _ct)).ProblemAsync();
        var missing = await (await admin.Http.PatchAsJsonAsync($"/api/v1/plans/{Guid.NewGuid()}", new { name = "x" }, _ct)).ProblemAsync();

        var negativeProblem = JsonDocument.Parse(await negative.Content.ReadAsStringAsync(_ct)).RootElement;
        negative.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        negativeProblem.GetProperty("code").GetString().ShouldBe("invalid_plan");
        negativeProblem.GetProperty("errors").GetProperty("pricePerGiBHour")[0].GetString().ShouldBe("pricePerGiBHour must be from 0 to 1000, not -1.");
        (taken.Status, taken.Code).ShouldBe((HttpStatusCode.Conflict, "plan_name_taken"));
        badBilling.Status.ShouldBe(HttpStatusCode.BadRequest);
        (unconfirmed.Status, unconfirmed.Code).ShouldBe((HttpStatusCode.Conflict, "plan_change_needs_confirmation"));
        unconfirmed.Detail!.ShouldContain("affects 1 customer with 1 server");
        (affected.GetProperty("customers").GetInt32(), affected.GetProperty("servers").GetInt32()).ShouldBe((1, 1));
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await confirmed.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("pricePerVCpuHour").GetDecimal().ShouldBe(0.02m);
        (inUse.Status, inUse.Code).ShouldBe((HttpStatusCode.Conflict, "plan_in_use"));
        (missing.Status, missing.Code).ShouldBe((HttpStatusCode.NotFound, "not_found"));
    }

    [Fact]
    public async Task Customer_ReadsItsOwnPlanOnly_AndChangesNone()
    {
        await using var acme = await fixture.SignInAsync("acme-owner");

        var list = await acme.Http.GetFromJsonAsync<JsonElement>("/api/v1/plans", _ct);
        var own = await acme.Http.GetAsync($"/api/v1/plans/{fixture.Acme.PlanId}", _ct);
        var other = await (await acme.Http.GetAsync($"/api/v1/plans/{fixture.Globex.PlanId}", _ct)).ProblemAsync();
        var create = await acme.Http.PostAsJsonAsync("/api/v1/plans", NewPlan("Mine"), _ct);
        var cheaper = await acme.Http.PatchAsJsonAsync($"/api/v1/plans/{fixture.Acme.PlanId}", new { pricePerGiBHour = 0m, confirm = true }, _ct);

        list.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ShouldBe([fixture.Acme.PlanId]);
        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        (other.Status, other.Code).ShouldBe((HttpStatusCode.NotFound, "not_found"));
        create.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        cheaper.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Support_ReadsEveryPlan_AndChangesNone()
    {
        await using var support = await fixture.SignInAsync("helpdesk");

        var list = await support.Http.GetFromJsonAsync<JsonElement>("/api/v1/plans", _ct);
        var changes = new[]
        {
            await support.Http.PostAsJsonAsync("/api/v1/plans", NewPlan("Sneaky"), _ct),
            await support.Http.PatchAsJsonAsync($"/api/v1/plans/{fixture.Acme.PlanId}", new { retired = true }, _ct),
            await support.Http.DeleteAsync($"/api/v1/plans/{fixture.Globex.PlanId}", _ct),
        };

        list.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ShouldContain(fixture.Globex.PlanId);
        changes.Select(r => r.StatusCode).ShouldAllBe(s => s == HttpStatusCode.Forbidden);
        await using var db = fixture.Database.CreateContext();
        (await db.Plans.SingleAsync(p => p.Id == fixture.Acme.PlanId, _ct)).RetiredAt.ShouldBeNull();
        (await db.Plans.AnyAsync(p => p.Name == "Sneaky", _ct)).ShouldBeFalse();
    }
}
