using VzPanel.Core.Features.Instances.Operations;
using VzPanel.Core.Features.Migration;
using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Audit;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Storage;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Tenancy;

/// <summary>The central tenant scoping: what each kind of account can read and change, checked on real rows.</summary>
public sealed class TenantIsolationTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private TestDatabase _db = null!;
    private Tenant _alice = null!, _bob = null!;
    private Instance _aliceCt = null!, _bobCt = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync();
        _alice = await _db.TenantAsync("alice");
        _bob = await _db.TenantAsync("bob");
        var node = await _db.NodeAsync();
        _aliceCt = await _db.InstanceAsync(_alice, node, "alice-web");
        _bobCt = await _db.InstanceAsync(_bob, node, "bob-web");

        await using var db = _db.CreateContext();
        var pool = new StoragePool { NodeId = node.Id, Name = "default", CapacityBytes = 1L << 40 };
        db.Add(pool);
        foreach (var (tenant, instance) in new[] { (_alice, _aliceCt), (_bob, _bobCt) })
        {
            db.Operations.Add(new Operation { Kind = OperationKind.Start, TargetType = "instance", TargetId = instance.Id, TargetName = instance.Name, TenantId = tenant.Id, RequestedBy = tenant.Name, Summary = "Start", CreatedAt = Now, Parameters = new StartParameters() });
            db.AuditEvents.Add(new AuditEvent { At = Now, Actor = tenant.Name, TenantId = tenant.Id, Action = "instance.start", Summary = "Started." });
            db.Volumes.Add(new Volume { PoolId = pool.Id, InstanceId = instance.Id, Name = $"{instance.Name}.qcow2", SizeBytes = 1L << 30, CreatedAt = Now });
        }
        db.Operations.Add(new Operation { Kind = OperationKind.DrainNode, TargetType = "node", TargetId = node.Id, TargetName = node.Name, RequestedBy = "admin", Summary = "Drain", CreatedAt = Now, Parameters = new DrainNodeParameters() });
        db.AuditEvents.Add(new AuditEvent { At = Now, Actor = "admin", Action = "node.add", Summary = "Added a node." });
        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Customer_Queries_ReturnOnlyItsOwnRows()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _db.CreateContext(AccessScope.ForTenant(_alice.Id));

        (await db.Instances.Select(i => i.Name).ToListAsync(ct)).ShouldBe(["alice-web"]);
        (await db.Tenants.Select(t => t.Name).ToListAsync(ct)).ShouldBe(["alice"]);
        (await db.Operations.Select(o => o.TenantId).ToListAsync(ct)).ShouldBe([_alice.Id]);
        (await db.AuditEvents.Select(a => a.TenantId).ToListAsync(ct)).ShouldBe([_alice.Id]);
        (await db.UsageSegments.Select(u => u.TenantId).ToListAsync(ct)).ShouldBe([_alice.Id]);
        (await db.Volumes.Select(v => v.InstanceId).ToListAsync(ct)).ShouldBe([_aliceCt.Id]);
    }

    [Fact]
    public async Task Customer_AskingForAnotherTenantsRowById_GetsNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _db.CreateContext(AccessScope.ForTenant(_alice.Id));

        (await db.Instances.FindAsync([_bobCt.Id], ct)).ShouldBeNull();
        (await db.Instances.CountAsync(i => i.TenantId == _bob.Id, ct)).ShouldBe(0);
        (await new InstanceLookup(_db.Factory(AccessScope.ForTenant(_alice.Id))).ResolveAsync(_bobCt.Id.ToString(), ct))
            .Error!.Code.ShouldBe("not_found");
        (await new InstanceLookup(_db.Factory(AccessScope.ForTenant(_alice.Id))).ResolveAsync("bob-web", ct))
            .Error!.Code.ShouldBe("not_found");
    }

    [Fact]
    public async Task Customer_ChangingAnotherTenantsRow_IsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _db.CreateContext(AccessScope.ForTenant(_alice.Id));
        // Even a row obtained without the filter (say, attached from a stale copy) cannot be saved.
        var bobs = await db.Instances.IgnoreQueryFilters().SingleAsync(i => i.Id == _bobCt.Id, ct);
        bobs.Settle(InstanceState.Stopped, Now);

        var error = await Should.ThrowAsync<AccessDeniedException>(() => db.SaveChangesAsync(ct));

        error.Message.ShouldContain("another customer");
        await using var check = _db.CreateContext();
        (await check.Instances.SingleAsync(i => i.Id == _bobCt.Id, ct)).MemoryMiB.ShouldBe(1024);
    }

    [Fact]
    public async Task Customer_MovingItsInstanceToAnotherTenant_IsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _db.CreateContext(AccessScope.ForTenant(_alice.Id));
        var own = await db.Instances.SingleAsync(i => i.Id == _aliceCt.Id, ct);

        own.TenantId = _bob.Id;

        await Should.ThrowAsync<AccessDeniedException>(() => db.SaveChangesAsync(ct));
    }

    [Fact]
    public async Task Customer_ChangingFleetRecords_IsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _db.CreateContext(AccessScope.ForTenant(_alice.Id));
        db.Plans.Add(new Plan { Name = "free-for-me", PricePerGiBHour = 0 });

        (await Should.ThrowAsync<AccessDeniedException>(() => db.SaveChangesAsync(ct))).Message.ShouldContain("Plan");
    }

    [Fact]
    public async Task Customer_ChangingOwnInstance_IsAllowed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var db = _db.CreateContext(AccessScope.ForTenant(_alice.Id)))
        {
            (await db.Instances.SingleAsync(i => i.Id == _aliceCt.Id, ct)).Hostname = "renamed.example";
            await db.SaveChangesAsync(ct);
        }

        await using var check = _db.CreateContext();
        (await check.Instances.SingleAsync(i => i.Id == _aliceCt.Id, ct)).Hostname.ShouldBe("renamed.example");
    }

    [Fact]
    public async Task Support_SeesEverythingButCannotChangeAnything()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _db.CreateContext(new AccessScope("support", Guid.NewGuid(), PanelRole.Support, null));

        (await db.Instances.CountAsync(ct)).ShouldBe(2);
        (await db.Operations.CountAsync(ct)).ShouldBe(3);
        (await db.Instances.FirstAsync(ct)).Settle(InstanceState.Stopped, Now);

        (await Should.ThrowAsync<AccessDeniedException>(() => db.SaveChangesAsync(ct))).Message.ShouldContain("read-only");
    }

    [Fact]
    public async Task Anonymous_SeesNoTenantRowsAndChangesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _db.CreateContext(AccessScope.Anonymous);

        (await db.Instances.CountAsync(ct)).ShouldBe(0);
        (await db.Operations.CountAsync(ct)).ShouldBe(0);      // not even the fleet operation without a tenant
        (await db.AuditEvents.CountAsync(ct)).ShouldBe(0);
        db.Nodes.Add(new Node { Name = "sneaky", ManagementAddress = "x" });
        await Should.ThrowAsync<AccessDeniedException>(() => db.SaveChangesAsync(ct));
    }

    [Fact]
    public async Task AuditLog_IsAppendOnlyEvenForTheSystem()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = _db.CreateContext(AccessScope.System);
        var evt = await db.AuditEvents.FirstAsync(ct);

        db.AuditEvents.Remove(evt);

        (await Should.ThrowAsync<AccessDeniedException>(() => db.SaveChangesAsync(ct))).Message.ShouldContain("append-only");
    }
}
