using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Identity;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Security;

/// <summary>Refusals land in the audit log with their source address, repeats counted on one row.</summary>
public sealed class DeniedAttemptAuditTests(HardeningFixture fixture) : IClassFixture<HardeningFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forbidden_Repeated_IsOneAuditRowWithACount()
    {
        await fixture.Database.CreateUserAsync("denied-support", PanelRole.Support);
        using var support = await fixture.SignedInFromAsync("192.0.2.31", "denied-support", TestUsers.Password);

        for (var i = 0; i < 3; i++)
            (await support.PostAsJsonAsync("/api/v1/nodes", new { name = $"denied-{i}" }, _ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        await using var db = fixture.Database.CreateContext();
        var rows = await db.AuditEvents.Where(a => a.Action == "access.denied" && a.Actor == "denied-support").ToListAsync(_ct);
        var row = rows.ShouldHaveSingleItem();
        row.Summary.ShouldBe("Refused POST /api/v1/nodes (403). (×3 within 1 min)");
        row.SourceAddress.ShouldBe(IPAddress.Parse("192.0.2.31"));
        (await db.Nodes.AnyAsync(n => n.Name.StartsWith("denied-"), _ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task AnotherTenantsServer_Is404ToTheCustomer_AndAuditedAsOtherTenant()
    {
        var node = await fixture.Database.NodeAsync();
        var theirs = await fixture.Database.InstanceAsync(await fixture.Database.TenantAsync(), node, "denied-theirs");
        var own = await fixture.Database.TenantAsync();
        await fixture.Database.CreateUserAsync("denied-customer", PanelRole.Customer, own.Id);
        using var customer = await fixture.SignedInFromAsync("192.0.2.32", "denied-customer", TestUsers.Password);

        var other = await customer.GetAsync($"/api/v1/instances/{theirs.Id}", _ct);
        var missing = await customer.GetAsync($"/api/v1/instances/{Guid.NewGuid()}", _ct);

        other.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Content.ReadAsStringAsync(_ct)).ShouldNotContain("tenant", Case.Insensitive);   // nothing tells the two apart
        await using var db = fixture.Database.CreateContext();
        var rows = await db.AuditEvents.Where(a => a.Action == "access.denied-other-tenant" && a.Actor == "denied-customer").ToListAsync(_ct);
        var row = rows.ShouldHaveSingleItem();   // the missing id is not another tenant's
        row.TargetId.ShouldBe(theirs.Id.ToString());
        row.TenantId.ShouldBe(own.Id);
        row.SourceAddress.ShouldBe(IPAddress.Parse("192.0.2.32"));
    }
}
