using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OtpNet;
using VzPanel.Core.Features.Identity;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Identity;

/// <summary>A panel with <c>Identity:RequireStaffMfa</c> on, as production runs by default.</summary>
public sealed class StaffMfaPanelFixture(PostgresServer server) : PanelFixture(server)
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Identity__RequireStaffMfa"] = "true",
    };
}

public sealed class StaffMfaGateTests(StaffMfaPanelFixture fixture) : IClassFixture<StaffMfaPanelFixture>
{
    [Fact]
    public async Task StaffWithoutMfa_ReachOnlyTheMfaSetup_UntilTheyTurnItOn()
    {
        var ct = TestContext.Current.CancellationToken;
        await fixture.Database.CreateUserAsync("gate-support", PanelRole.Support);
        await using var support = await PanelSession.SignInAsync(fixture.Panel, "gate-support", TestUsers.Password);

        var instances = await support.Http.GetAsync("/api/v1/instances", ct);
        var page = await support.Http.GetAsync("/nodes", ct);
        var tokens = await support.Http.PostAsJsonAsync("/api/v1/me/tokens", new { name = "sneaky", scope = "read" }, ct);

        instances.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await instances.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("code").GetString().ShouldBe("mfa_required");
        tokens.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldBe("/account/mfa");
        (await support.Http.GetAsync("/api/v1/me", ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await support.Http.GetAsync("/account/mfa", ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var setup = await (await support.Http.PostAsync("/api/v1/me/mfa/totp", null, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        var code = new Totp(Base32Encoding.ToBytes(setup.GetProperty("secret").GetString()!)).ComputeTotp();
        (await support.Http.PostAsJsonAsync("/api/v1/me/mfa/totp/confirm", new { code }, ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The same session, no new sign-in: the gate reads the account, not the cookie.
        (await support.Http.GetAsync("/api/v1/instances", ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await support.Http.GetAsync("/nodes", ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Customers_AreNotGated()
    {
        var tenant = await fixture.Database.TenantAsync("gate-co");
        await fixture.Database.CreateUserAsync("gate-customer", PanelRole.Customer, tenant.Id);
        await using var customer = await PanelSession.SignInAsync(fixture.Panel, "gate-customer", TestUsers.Password);

        (await customer.Http.GetAsync("/api/v1/instances", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
