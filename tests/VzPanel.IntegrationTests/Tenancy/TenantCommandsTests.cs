using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Tenancy;

/// <summary>Administrators manage customer accounts; everyone else is refused, by the service and by the data layer.</summary>
public sealed class TenantCommandsTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly AccessScope Admin = new("root", Guid.NewGuid(), PanelRole.Admin, null);
    private static readonly AccessScope Support = new("helpdesk", Guid.NewGuid(), PanelRole.Support, null);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private TestDatabase _db = null!;
    private Plan _plan = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync();
        await using var db = _db.CreateContext();
        _plan = new Plan { Name = "standard", PricePerGiBHour = 0.004m };
        db.Plans.Add(_plan);
        await db.SaveChangesAsync(_ct);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private TenantCommands AsAdmin => TenantServices.Commands(_db, Admin);

    [Fact]
    public async Task Create_SavesTheTenantWithItsQuotas_AndAuditsIt()
    {
        var created = await AsAdmin.CreateAsync(new TenantDraft
        {
            Name = "  Acme Hosting ", ContactEmail = "ops@acme.example", PlanId = _plan.Id,
            Quotas = new TenantQuotas { MaxServers = 5, MaxMemoryMiB = 65536 },
        }, _ct);

        created.Error.ShouldBeNull();
        var view = created.Value!;
        (view.Name, view.ContactEmail, view.PlanName, view.State).ShouldBe(("Acme Hosting", "ops@acme.example", "standard", TenantState.Active));
        view.Quotas.ShouldBe(new TenantQuotas { MaxServers = 5, MaxMemoryMiB = 65536 });
        view.Usage.ShouldBe(TenantUsage.Zero);
        await using var db = _db.CreateContext();
        var audit = await db.AuditEvents.SingleAsync(a => a.Action == "tenant.create", _ct);
        (audit.Actor, audit.TenantId, audit.TargetId).ShouldBe(("root", view.Id, view.Id.ToString()));
        audit.Summary.ShouldBe("Added customer Acme Hosting on plan standard; quotas: 5 servers, 64 GiB memory.");
    }

    [Fact]
    public async Task Create_ANameInUse_IsRefusedAsTaken_WhateverItsCase()
    {
        await AsAdmin.CreateAsync(new TenantDraft { Name = "Acme Hosting", PlanId = _plan.Id }, _ct);

        var again = await AsAdmin.CreateAsync(new TenantDraft { Name = "acme hosting", PlanId = _plan.Id }, _ct);

        (again.Error!.Code, again.Error.Message).ShouldBe(("tenant_name_taken", "There is already a customer named 'acme hosting'."));
        await using var db = _db.CreateContext();
        (await db.Tenants.CountAsync(_ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Rename_ToANameInUse_IsRefusedAsTaken()
    {
        await AsAdmin.CreateAsync(new TenantDraft { Name = "Acme Hosting", PlanId = _plan.Id }, _ct);
        var globex = (await AsAdmin.CreateAsync(new TenantDraft { Name = "Globex Shop", PlanId = _plan.Id }, _ct)).Value!;

        var renamed = await AsAdmin.UpdateAsync(globex.Id, new TenantChange { Name = "Acme Hosting" }, _ct);

        renamed.Error!.Code.ShouldBe("tenant_name_taken");
    }

    [Theory]
    [InlineData("not-an-address", null, "invalid_email", "'not-an-address' is not an e-mail address (name@example.com).")]
    [InlineData("ops@acme.example", -1, "invalid_quota", "quotas.maxServers cannot be negative (-1); leave it empty for no limit.")]
    [InlineData("", null, "invalid_name", "Give the customer a name.")]
    public async Task Create_BadInput_IsRefusedWithItsCode(string email, int? maxServers, string code, string message)
    {
        var name = code == "invalid_name" ? "   " : "Acme Hosting";

        var result = await AsAdmin.CreateAsync(new TenantDraft
            { Name = name, ContactEmail = email, PlanId = _plan.Id, Quotas = new TenantQuotas { MaxServers = maxServers } }, _ct);

        (result.Error!.Code, result.Error.Message).ShouldBe((code, message));
        result.Error.Fields.ShouldNotBeEmpty();
        await using var db = _db.CreateContext();
        (await db.Tenants.AnyAsync(_ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Create_OnAPlanThatDoesNotExist_IsRefused()
    {
        var missing = Guid.NewGuid();

        var result = await AsAdmin.CreateAsync(new TenantDraft { Name = "Acme Hosting", PlanId = missing }, _ct);

        (result.Error!.Code, result.Error.Message).ShouldBe(("unknown_plan", $"There is no plan {missing}."));
    }

    [Fact]
    public async Task Update_ChangesOnlyWhatIsGiven_AndAuditsTheChanges()
    {
        var acme = (await AsAdmin.CreateAsync(new TenantDraft { Name = "Acme Hosting", ContactEmail = "ops@acme.example", PlanId = _plan.Id }, _ct)).Value!;

        var updated = await AsAdmin.UpdateAsync(acme.Id, new TenantChange { Quotas = new TenantQuotas { MaxVCpus = 16 } }, _ct);

        updated.Value!.Quotas.ShouldBe(new TenantQuotas { MaxVCpus = 16 });
        (updated.Value.Name, updated.Value.ContactEmail).ShouldBe(("Acme Hosting", "ops@acme.example"));
        await using var db = _db.CreateContext();
        (await db.AuditEvents.SingleAsync(a => a.Action == "tenant.update", _ct)).Summary
            .ShouldBe("Customer Acme Hosting: quotas no limits → 16 vCPUs.");
    }

    [Fact]
    public async Task Delete_ATenantWithServers_IsRefusedWithTheCount_AndKeepsIt()
    {
        var acme = await _db.TenantAsync("Acme Hosting");
        var node = await _db.NodeAsync();
        await _db.ServerAsync(acme, node);
        await _db.ServerAsync(acme, node, state: InstanceState.Stopped);

        var result = await AsAdmin.DeleteAsync(acme.Id, _ct);

        (result.Error!.Code, result.Error.Message).ShouldBe(("tenant_in_use",
            "Acme Hosting still has 2 servers; delete them first (or suspend the customer instead)."));
        await using var db = _db.CreateContext();
        (await db.Tenants.AnyAsync(t => t.Id == acme.Id, _ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task Delete_ATenantWithUsers_IsRefusedWithTheCount()
    {
        var acme = await _db.TenantAsync("Acme Hosting");
        await _db.CreateUserAsync("acme-owner", PanelRole.Customer, acme.Id);

        var result = await AsAdmin.DeleteAsync(acme.Id, _ct);

        (result.Error!.Code, result.Error.Message).ShouldBe(("tenant_in_use", "Acme Hosting still has 1 user; delete them first (or suspend the customer instead)."));
    }

    [Fact]
    public async Task Delete_ATenantWithoutServers_RemovesIt_WithItsMeteringHistory_AndAuditsIt()
    {
        var acme = await _db.TenantAsync("Acme Hosting");
        await using (var seed = _db.CreateContext())
        {
            seed.UsageSegments.Add(new UsageSegment { InstanceId = Guid.NewGuid(), TenantId = acme.Id, PlanId = acme.PlanId, MemoryMiB = 1024, VCpus = 1, From = DateTimeOffset.UtcNow.AddDays(-2), To = DateTimeOffset.UtcNow.AddDays(-1) });
            await seed.SaveChangesAsync(_ct);
        }

        var result = await AsAdmin.DeleteAsync(acme.Id, _ct);

        result.Value.ShouldBe(acme.Id);
        await using var db = _db.CreateContext();
        (await db.Tenants.AnyAsync(t => t.Id == acme.Id, _ct)).ShouldBeFalse();
        (await db.UsageSegments.AnyAsync(u => u.TenantId == acme.Id, _ct)).ShouldBeFalse();
        (await db.AuditEvents.SingleAsync(a => a.Action == "tenant.delete", _ct)).Summary.ShouldBe("Deleted customer Acme Hosting and its 1 usage record.");
    }

    [Fact]
    public async Task SupportAndCustomers_ChangeNoTenant()
    {
        var acme = await _db.TenantAsync("Acme Hosting");
        var customer = AccessScope.ForTenant(acme.Id, "acme-owner");

        (await TenantServices.Commands(_db, Support).CreateAsync(new TenantDraft { Name = "Initech", PlanId = _plan.Id }, _ct)).Error!.Code.ShouldBe("forbidden");
        (await TenantServices.Commands(_db, Support).SuspendAsync(acme.Id, _ct)).Error!.Code.ShouldBe("forbidden");
        (await TenantServices.Commands(_db, customer).UpdateAsync(acme.Id, new TenantChange { Quotas = TenantQuotas.None }, _ct)).Error!.Code.ShouldBe("forbidden");
        (await TenantServices.Commands(_db, customer).DeleteAsync(acme.Id, _ct)).Error!.Code.ShouldBe("forbidden");
        await using var db = _db.CreateContext();
        (await db.Tenants.SingleAsync(t => t.Id == acme.Id, _ct)).State.ShouldBe(TenantState.Active);
    }

    [Fact]
    public async Task Customer_WritingItsOwnTenantRow_IsRefusedByTheDataLayer()
    {
        var acme = await _db.TenantAsync("Acme Hosting");
        await using var db = _db.CreateContext(AccessScope.ForTenant(acme.Id));
        var own = await db.Tenants.SingleAsync(_ct);   // it may read its own row

        own.Quotas = new TenantQuotas { MaxServers = 1000 };

        (await Should.ThrowAsync<AccessDeniedException>(() => db.SaveChangesAsync(_ct))).Message.ShouldBe("Only administrators change customer accounts.");
        await using var check = _db.CreateContext();
        (await check.Tenants.SingleAsync(t => t.Id == acme.Id, _ct)).Quotas.ShouldBe(TenantQuotas.None);
    }

    [Fact]
    public async Task Customers_SeeOnlyTheirOwnTenant_StaffSeeAll()
    {
        var acme = await _db.TenantAsync("Acme Hosting");
        var globex = await _db.TenantAsync("Globex Shop");
        await _db.ServerAsync(acme, await _db.NodeAsync(), memoryMiB: 2048, guaranteePercent: 50, vcpus: 2, diskGiB: 20);

        var mine = await TenantServices.Queries(_db, AccessScope.ForTenant(acme.Id)).ListAsync(_ct);
        var all = await TenantServices.Queries(_db, Support).ListAsync(_ct);

        mine.Select(t => t.Name).ShouldBe(["Acme Hosting"]);
        mine[0].Usage.ShouldBe(new TenantUsage(1, 2048, 1024, 2, 20));
        (await TenantServices.Queries(_db, AccessScope.ForTenant(acme.Id)).GetAsync(globex.Id, _ct)).ShouldBeNull();
        all.Select(t => t.Name).ShouldBe(["Acme Hosting", "Globex Shop"]);
    }
}
