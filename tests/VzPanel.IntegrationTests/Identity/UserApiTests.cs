using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Identity;

/// <summary>The accounts API through the real panel process: admins change, support reads, customers only their own password.</summary>
public sealed class UserApiTests(PanelFixture fixture) : IClassFixture<PanelFixture>
{
    private const string Password = "Customer-password-42";

    private Task<PanelSession> AdminAsync() => PanelSession.SignInAsync(fixture.Panel, "admin", fixture.AdminPassword);

    private static async Task<JsonElement> CreateAsync(PanelSession admin, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await admin.Http.PostAsJsonAsync("/api/v1/users", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.ShouldBe(expected, json.ToString());
        return json;
    }

    [Fact]
    public async Task Admin_CreatesACustomer_WhoSignsInAsThatTenant_AndChangesOwnPassword()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await fixture.Database.TenantAsync($"api-{Guid.NewGuid():N}"[..12]);
        await using var admin = await AdminAsync();

        var created = await CreateAsync(admin, new { userName = "cust-api", email = "c@example.com", displayName = "Customer", role = "Customer", tenantId = tenant.Id, password = Password });
        created.GetProperty("role").GetString().ShouldBe("Customer");
        created.GetProperty("tenantId").GetGuid().ShouldBe(tenant.Id);
        created.GetProperty("locked").GetBoolean().ShouldBeFalse();
        created.GetProperty("mfaEnabled").GetBoolean().ShouldBeFalse();
        created.GetProperty("setPasswordUrl").ValueKind.ShouldBe(JsonValueKind.Null);
        created.ToString().ShouldNotContain("passwordHash", Case.Insensitive);
        created.ToString().ShouldNotContain("securityStamp", Case.Insensitive);

        await using (var customer = await PanelSession.SignInAsync(fixture.Panel, "cust-api", Password))
        {
            var me = await customer.Http.GetFromJsonAsync<JsonElement>("/api/v1/me", ct);
            me.GetProperty("role").GetString().ShouldBe("Customer");
            me.GetProperty("tenantId").GetGuid().ShouldBe(tenant.Id);

            // Customers never see the accounts of others, nor change them.
            (await customer.Http.GetAsync("/api/v1/users", ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await customer.Http.GetAsync($"/api/v1/users/{created.GetProperty("id").GetGuid()}", ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await customer.Http.PostAsJsonAsync("/api/v1/users", new { userName = "x", role = "Admin", password = Password }, ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

            var wrong = await customer.Http.PutAsJsonAsync("/api/v1/me/password", new { currentPassword = "nope-nope-nope", newPassword = "Another-password-43" }, ct);
            wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await wrong.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("code").GetString().ShouldBe("wrong_password");
            var changed = await customer.Http.PutAsJsonAsync("/api/v1/me/password", new { currentPassword = Password, newPassword = "Another-password-43" }, ct);
            changed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            (await customer.Http.GetAsync("/api/v1/me", ct)).StatusCode.ShouldBe(HttpStatusCode.OK);   // this session stays signed in
        }
        using var client = fixture.Panel.CreateClient();
        (await SignInForm.PostAsync(client, "cust-api", Password)).StatusCode.ShouldBe(HttpStatusCode.OK);   // the old password: the form again
        (await SignInForm.PostAsync(client, "cust-api", "Another-password-43")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task CreateWithoutPassword_AnswersWithAOneTimeLink_AndAResetLinkCanBeIssued()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = await AdminAsync();

        var created = await CreateAsync(admin, new { userName = "staff-link", role = "Support" });
        var url = created.GetProperty("setPasswordUrl").GetString().ShouldNotBeNull();
        url.ShouldStartWith(new Uri(fixture.Panel.BaseUrl, "/account/set-password?token=").ToString());
        created.GetProperty("setPasswordExpiresAt").GetDateTimeOffset().ShouldBeInRange(DateTimeOffset.UtcNow.AddHours(71), DateTimeOffset.UtcNow.AddHours(73));

        var reset = await admin.Http.PostAsync($"/api/v1/users/{created.GetProperty("id").GetGuid()}/password-reset", null, ct);
        reset.StatusCode.ShouldBe(HttpStatusCode.OK);
        var link = await reset.Content.ReadFromJsonAsync<JsonElement>(ct);
        link.GetProperty("setPasswordUrl").GetString().ShouldNotBe(url);
        link.GetProperty("expiresAt").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddHours(71));
    }

    [Fact]
    public async Task BadInput_IsA4xxWithItsCode()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await fixture.Database.TenantAsync($"bad-{Guid.NewGuid():N}"[..12]);
        await using var admin = await AdminAsync();

        (await CreateAsync(admin, new { userName = "no-tenant", role = "Customer", password = Password }, HttpStatusCode.BadRequest))
            .GetProperty("code").GetString().ShouldBe("tenant_required");
        (await CreateAsync(admin, new { userName = "staff-tenant", role = "Support", tenantId = tenant.Id, password = Password }, HttpStatusCode.BadRequest))
            .GetProperty("code").GetString().ShouldBe("tenant_not_allowed");
        var weak = await CreateAsync(admin, new { userName = "weak", role = "Customer", tenantId = tenant.Id, password = "abc" }, HttpStatusCode.BadRequest);
        weak.GetProperty("code").GetString().ShouldBe("weak_password");
        weak.GetProperty("errors").GetProperty("password").EnumerateArray().Select(e => e.GetString())
            .ShouldContain("Passwords must be at least 12 characters.");
        (await CreateAsync(admin, new { userName = "admin", role = "Admin", password = Password }, HttpStatusCode.Conflict))
            .GetProperty("code").GetString().ShouldBe("user_name_taken");

        var users = await admin.Http.GetFromJsonAsync<JsonElement[]>("/api/v1/users", ct);
        var adminId = users!.Single(u => u.GetProperty("userName").GetString() == "admin").GetProperty("id").GetGuid();
        var lastAdmin = await admin.Http.DeleteAsync($"/api/v1/users/{adminId}", ct);
        lastAdmin.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await lastAdmin.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("code").GetString().ShouldBe("last_admin");
        (await admin.Http.PostAsync($"/api/v1/users/{Guid.NewGuid()}/lock", null, ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Support_ReadsAccounts_ButEveryChangeIs403()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = await AdminAsync();
        await CreateAsync(admin, new { userName = "support-api", role = "Support", password = Password });
        var target = await CreateAsync(admin, new { userName = "target-api", role = "Support", password = Password });
        var id = target.GetProperty("id").GetGuid();

        await using var support = await PanelSession.SignInAsync(fixture.Panel, "support-api", Password);
        (await support.Http.GetAsync("/api/v1/users", ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await support.Http.GetAsync($"/api/v1/users/{id}", ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        HttpResponseMessage[] changes =
        [
            await support.Http.PostAsJsonAsync("/api/v1/users", new { userName = "x-api", role = "Support", password = Password }, ct),
            await support.Http.PatchAsJsonAsync($"/api/v1/users/{id}", new { displayName = "changed" }, ct),
            await support.Http.DeleteAsync($"/api/v1/users/{id}", ct),
            await support.Http.PostAsync($"/api/v1/users/{id}/lock", null, ct),
            await support.Http.PostAsync($"/api/v1/users/{id}/unlock", null, ct),
            await support.Http.PostAsync($"/api/v1/users/{id}/password-reset", null, ct),
        ];
        changes.Select(r => r.StatusCode).ShouldAllBe(s => s == HttpStatusCode.Forbidden);
        (await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/users/{id}", ct)).GetProperty("displayName").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Lock_KeepsTheUserOut_UntilUnlocked()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = await AdminAsync();
        var user = await CreateAsync(admin, new { userName = "lock-api", role = "Support", password = Password });
        var id = user.GetProperty("id").GetGuid();

        var locked = await (await admin.Http.PostAsync($"/api/v1/users/{id}/lock", null, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        locked.GetProperty("locked").GetBoolean().ShouldBeTrue();
        locked.GetProperty("lockedUntil").ValueKind.ShouldBe(JsonValueKind.Null);   // until an admin unlocks it
        using var client = fixture.Panel.CreateClient();
        (await SignInForm.PostAsync(client, "lock-api", Password)).StatusCode.ShouldBe(HttpStatusCode.OK);   // refused: the form again

        (await admin.Http.PostAsync($"/api/v1/users/{id}/unlock", null, ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SignInForm.PostAsync(client, "lock-api", Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var patched = await admin.Http.PatchAsJsonAsync($"/api/v1/users/{id}", new { displayName = "Locksmith", email = "l@example.com" }, ct);
        (await patched.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("displayName").GetString().ShouldBe("Locksmith");
        (await admin.Http.DeleteAsync($"/api/v1/users/{id}", ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.Http.GetAsync($"/api/v1/users/{id}", ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
