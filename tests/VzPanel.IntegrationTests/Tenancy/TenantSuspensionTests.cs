using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Tenancy;

/// <summary>A suspended tenant's users read and change nothing; staff still act on its servers; resuming gives the changes back.</summary>
public sealed class TenantSuspensionTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly AccessScope Admin = new("root", Guid.NewGuid(), PanelRole.Admin, null);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private TestDatabase _db = null!;
    private Tenant _acme = null!;
    private Node _node = null!;
    private Instance _web = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync();
        _acme = await _db.TenantAsync("Acme Hosting");
        _node = await _db.NodeAsync();
        _web = await _db.ServerAsync(_acme, _node, vcpus: 1);
        (await TenantServices.Commands(_db, Admin).SuspendAsync(_acme.Id, _ct)).Error.ShouldBeNull();
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private AccessScope Customer => AccessScope.ForTenant(_acme.Id, "acme-owner");

    [Fact]
    public async Task Suspending_IsAudited_AndShownInTheTenant()
    {
        await using var db = _db.CreateContext();
        var audit = await db.AuditEvents.SingleAsync(a => a.Action == "tenant.suspend", _ct);
        audit.Summary.ShouldBe("Customer Acme Hosting: suspended (its users read, change nothing; its servers keep running).");
        (await TenantServices.Queries(_db, Customer).GetAsync(_acme.Id, _ct))!.State.ShouldBe(TenantState.Suspended);
    }

    [Fact]
    public async Task Customer_ChangingAServer_IsRefusedWithTheReason_AndNothingIsQueued()
    {
        var resize = await TenantServices.Instances(_db, Customer).SetVCpusAsync(_web.Id, 2, _ct);
        var create = await TenantServices.Instances(_db, Customer).CreateAsync(new CreateInstanceCommand
            { Spec = new InstanceSpec { Name = "more", Memory = "1G", Template = "debian-12" } }, _ct);

        (resize.Error!.Code, resize.Error.Message).ShouldBe(("tenant_suspended",
            "Acme Hosting is suspended: you can look, not change. Contact your provider to have it resumed."));
        create.Error!.Code.ShouldBe("tenant_suspended");
        await using var db = _db.CreateContext();
        (await db.Operations.AnyAsync(_ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Customer_SavingPastTheServices_IsRefusedByTheDataLayer_ButMayStillBeAudited()
    {
        await using var db = _db.CreateContext(Customer);
        var own = await db.Instances.SingleAsync(_ct);   // it still reads
        own.CpuLimitPercent = 50;

        (await Should.ThrowAsync<AccessDeniedException>(() => db.SaveChangesAsync(_ct))).Message.ShouldBe(TenantSuspension.Banner);

        await using var audit = _db.CreateContext(Customer);
        audit.AuditEvents.Add(new AuditEvent { At = DateTimeOffset.UtcNow, Actor = "acme-owner", TenantId = _acme.Id, Action = "user.sign-in", Summary = "Signed in." });
        await audit.SaveChangesAsync(_ct);
    }

    [Fact]
    public async Task Staff_StillActOnTheSuspendedTenantsServers()
    {
        var result = await TenantServices.Instances(_db, Admin).SetVCpusAsync(_web.Id, 2, _ct);

        result.Error.ShouldBeNull();
    }

    [Fact]
    public async Task Resuming_GivesTheCustomerItsChangesBack()
    {
        (await TenantServices.Commands(_db, Admin).ResumeAsync(_acme.Id, _ct)).Value!.State.ShouldBe(TenantState.Active);

        var result = await TenantServices.Instances(_db, Customer).SetVCpusAsync(_web.Id, 2, _ct);

        result.Error.ShouldBeNull();
        await using var db = _db.CreateContext();
        (await db.AuditEvents.CountAsync(a => a.Action == "tenant.resume", _ct)).ShouldBe(1);
    }
}
