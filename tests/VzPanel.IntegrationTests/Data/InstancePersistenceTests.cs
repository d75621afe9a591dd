using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using VzPanel.Core.Features.Instances;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Data;

public sealed class InstancePersistenceTests(PostgresServer server) : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async ValueTask InitializeAsync() => _db = await server.CreateDatabaseAsync();

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task SaveAndLoad_Instance_KeepsEveryField()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await _db.TenantAsync();
        var node = await _db.NodeAsync();
        var template = new VzPanel.Core.Features.Templates.Template { Name = "debian-12-x86_64", Kind = InstanceKind.Vm, Version = "20261101" };
        var created = new DateTimeOffset(2026, 11, 28, 10, 15, 30, TimeSpan.FromHours(2));
        var instance = new Instance
        {
            Kind = InstanceKind.Vm, Name = "101", TenantId = tenant.Id, NodeId = node.Id, State = InstanceState.Stopped,
            MemoryMiB = 2048, MemoryGuaranteePercent = 25, VCpus = 2, CpuLimitPercent = 150, TemplateId = template.Id,
            Hostname = "vm101.example.com", IpAddresses = [IPAddress.Parse("192.0.2.7"), IPAddress.Parse("2001:db8::7")],
            CreatedAt = created, UpdatedAt = created,
        };
        await using (var write = _db.CreateContext())
        {
            write.AddRange(template, instance);
            await write.SaveChangesAsync(ct);
        }

        await using var read = _db.CreateContext();
        var loaded = await read.Instances.Include(i => i.Template).SingleAsync(i => i.Id == instance.Id, ct);

        loaded.Kind.ShouldBe(InstanceKind.Vm);
        loaded.Name.ShouldBe("101");
        loaded.TenantId.ShouldBe(tenant.Id);
        loaded.NodeId.ShouldBe(node.Id);
        loaded.State.ShouldBe(InstanceState.Stopped);
        (loaded.MemoryMiB, loaded.MemoryGuaranteePercent, loaded.VCpus, loaded.CpuLimitPercent).ShouldBe((2048L, 25, 2, (int?)150));
        loaded.GuaranteedMiB.ShouldBe(512);
        loaded.Template!.Name.ShouldBe("debian-12-x86_64");
        loaded.Hostname.ShouldBe("vm101.example.com");
        loaded.IpAddresses.ShouldBe([IPAddress.Parse("192.0.2.7"), IPAddress.Parse("2001:db8::7")]);
        loaded.CreatedAt.ShouldBe(created);                  // same instant, read back in UTC
        loaded.CreatedAt.Offset.ShouldBe(TimeSpan.Zero);
        loaded.Version.ShouldNotBe(0u);                      // xmin is mapped
        (await Sql.ScalarAsync(_db.ConnectionString, $"SELECT kind || '/' || state FROM instances WHERE id = '{instance.Id}'", ct)).ShouldBe("Vm/Stopped");
    }

    [Fact]
    public async Task SaveChanges_TwoEditorsOfOneInstance_SecondGetsConflictNotLostUpdate()
    {
        var ct = TestContext.Current.CancellationToken;
        var instance = await _db.InstanceAsync(await _db.TenantAsync(), await _db.NodeAsync(), memoryMiB: 1024);
        await using var first = _db.CreateContext();
        await using var second = _db.CreateContext();
        var a = await first.Instances.SingleAsync(i => i.Id == instance.Id, ct);
        var b = await second.Instances.SingleAsync(i => i.Id == instance.Id, ct);

        a.Settle(InstanceState.Stopped, DateTimeOffset.UtcNow);
        await first.SaveChangesAsync(ct);
        b.Settle(InstanceState.Failed, DateTimeOffset.UtcNow);

        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(ct));
        await using var check = _db.CreateContext();
        (await check.Instances.SingleAsync(i => i.Id == instance.Id, ct)).State.ShouldBe(InstanceState.Stopped);
    }

    [Fact]
    public async Task SaveChanges_NameDifferingOnlyInCase_IsRefusedByTheDatabase()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await _db.TenantAsync();
        var node = await _db.NodeAsync();
        await _db.InstanceAsync(tenant, node, name: "web-01");

        var duplicate = Should.ThrowAsync<DbUpdateException>(() => _db.InstanceAsync(tenant, node, name: "WEB-01"));

        (await duplicate).InnerException.ShouldBeOfType<PostgresException>().ConstraintName.ShouldBe("ux_instances_name");
    }

    [Fact]
    public async Task SaveChanges_GuaranteeAbove100_IsRefusedByTheDatabase()
    {
        var tenant = await _db.TenantAsync();
        var node = await _db.NodeAsync();

        var error = await Should.ThrowAsync<DbUpdateException>(() => _db.InstanceAsync(tenant, node, guaranteePercent: 150));

        error.InnerException.ShouldBeOfType<PostgresException>().ConstraintName.ShouldBe("ck_instances_guarantee");
    }
}
