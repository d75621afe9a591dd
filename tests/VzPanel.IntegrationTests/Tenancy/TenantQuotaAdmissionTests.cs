using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Tenancy;

/// <summary>
/// Creates and resizes past a tenant's quota are refused before anything is queued, with the numbers, whoever asks; what stays
/// within the quota, or shrinks, goes through. The server services run against real rows; their jobs are not started.
/// </summary>
public sealed class TenantQuotaAdmissionTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly AccessScope Admin = new("root", Guid.NewGuid(), PanelRole.Admin, null);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private TestDatabase _db = null!;
    private Tenant _acme = null!;
    private Node _node = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync();
        _acme = await _db.TenantAsync("Acme Hosting");
        _node = await _db.NodeAsync(ramMiB: 128 * 1024);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private InstanceCommands AsCustomer => TenantServices.Instances(_db, AccessScope.ForTenant(_acme.Id, "acme-owner"));

    private static CreateInstanceCommand Create(string memory = "1G", int vcpus = 1, int guarantee = 0, string? disk = null, Guid? tenantId = null) => new()
    {
        Spec = new InstanceSpec { Name = $"new-{Guid.NewGuid():N}"[..12], Kind = InstanceKind.Ct, Memory = memory, VCpus = vcpus, MemoryGuaranteePercent = guarantee, Disk = disk, Template = "debian-12" },
        TenantId = tenantId,
    };

    [Fact]
    public async Task Create_PastTheServerCount_IsRefused()
    {
        await _db.WithQuotasAsync(_acme, new TenantQuotas { MaxServers = 5 });
        for (var i = 0; i < 5; i++) await _db.ServerAsync(_acme, _node);

        var result = await AsCustomer.CreateAsync(Create(), _ct);

        (result.Error!.Code, result.Error.Message).ShouldBe(("quota_exceeded", "Acme Hosting may have 5 servers; it has 5 and asks for 1 more."));
        await using var db = _db.CreateContext();
        (await db.Instances.CountAsync(_ct)).ShouldBe(5);
        (await db.Operations.AnyAsync(_ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Create_PastTheMemory_IsRefusedWithTheNumbers_AlsoForStaffCreatingForTheTenant()
    {
        await _db.WithQuotasAsync(_acme, new TenantQuotas { MaxMemoryMiB = 64 * 1024 });
        await _db.ServerAsync(_acme, _node, memoryMiB: 40 * 1024);
        await _db.ServerAsync(_acme, _node, memoryMiB: 20 * 1024);

        var customer = await AsCustomer.CreateAsync(Create(memory: "8G"), _ct);
        var admin = await TenantServices.Instances(_db, Admin).CreateAsync(Create(memory: "8G", tenantId: _acme.Id), _ct);

        customer.Error!.Message.ShouldBe("Acme Hosting may use 64 GiB; it has 60 GiB and asks for 8 GiB more.");
        (admin.Error!.Code, admin.Error.Message).ShouldBe(("quota_exceeded", "Acme Hosting may use 64 GiB; it has 60 GiB and asks for 8 GiB more."));
    }

    [Fact]
    public async Task Create_WithinEveryQuota_PassesAdmission()
    {
        await _db.WithQuotasAsync(_acme, new TenantQuotas { MaxServers = 2, MaxMemoryMiB = 4096, MaxGuaranteedMiB = 2048, MaxVCpus = 2, MaxDiskGiB = 20 });
        await _db.ServerAsync(_acme, _node, memoryMiB: 2048, guaranteePercent: 50, vcpus: 1, diskGiB: 10);

        var result = await AsCustomer.CreateAsync(Create(memory: "2G", guarantee: 50, disk: "10G"), _ct);

        // Past the quotas, the next check is the template: there is none in this database.
        (result.Error!.Code, result.Error.Message).ShouldBe(("validation", "There is no template 'debian-12'."));
    }

    [Fact]
    public async Task Resize_MemoryPastTheQuota_IsRefused_WhileShrinkingGoesThrough()
    {
        await _db.WithQuotasAsync(_acme, new TenantQuotas { MaxMemoryMiB = 4096 });
        var web = await _db.ServerAsync(_acme, _node, memoryMiB: 3072, state: InstanceState.Stopped);

        var grow = await AsCustomer.SetMemoryAsync(web.Id, "4608M", _ct);
        var shrink = await AsCustomer.SetMemoryAsync(web.Id, "2G", _ct);

        (grow.Error!.Code, grow.Error.Message).ShouldBe(("quota_exceeded", "Acme Hosting may use 4 GiB; it has 3 GiB and asks for 1.5 GiB more."));
        shrink.Error.ShouldBeNull();
    }

    [Fact]
    public async Task Resize_GuaranteePastTheQuota_IsRefused()
    {
        await _db.WithQuotasAsync(_acme, new TenantQuotas { MaxGuaranteedMiB = 3072 });
        var db = await _db.ServerAsync(_acme, _node, memoryMiB: 4096, guaranteePercent: 50, state: InstanceState.Stopped);

        var result = await AsCustomer.SetMemoryGuaranteeAsync(db.Id, 100, _ct);

        (result.Error!.Code, result.Error.Message).ShouldBe(("quota_exceeded",
            "Acme Hosting may have 3 GiB of guaranteed memory; it has 2 GiB and asks for 2 GiB more."));
    }

    [Fact]
    public async Task Resize_GrowingMemoryAlsoGrowsTheGuarantee_WhichIsChecked()
    {
        await _db.WithQuotasAsync(_acme, new TenantQuotas { MaxGuaranteedMiB = 1024 });
        var web = await _db.ServerAsync(_acme, _node, memoryMiB: 1024, guaranteePercent: 50, state: InstanceState.Stopped);

        var result = await AsCustomer.SetMemoryAsync(web.Id, "3G", _ct);

        result.Error!.Message.ShouldBe("Acme Hosting may have 1 GiB of guaranteed memory; it has 512 MiB and asks for 1 GiB more.");
    }

    [Fact]
    public async Task Resize_VCpusPastTheQuota_IsRefused_WithinItGoesThrough()
    {
        await _db.WithQuotasAsync(_acme, new TenantQuotas { MaxVCpus = 4 });
        var web = await _db.ServerAsync(_acme, _node, vcpus: 1);
        await _db.ServerAsync(_acme, _node, vcpus: 1);

        var over = await AsCustomer.SetVCpusAsync(web.Id, 4, _ct);
        var within = await AsCustomer.SetVCpusAsync(web.Id, 3, _ct);

        (over.Error!.Code, over.Error.Message).ShouldBe(("quota_exceeded", "Acme Hosting may have 4 vCPUs; it has 2 and asks for 3 more."));
        within.Error.ShouldBeNull();
        within.Value!.Summary.ShouldBe($"vCPUs of {web.Name}: 1 → 3");
    }

    [Fact]
    public async Task Resize_DiskPastTheQuota_IsRefused()
    {
        await _db.WithQuotasAsync(_acme, new TenantQuotas { MaxDiskGiB = 25 });
        var vm = await _db.ServerAsync(_acme, _node, diskGiB: 10);
        await _db.ServerAsync(_acme, _node, diskGiB: 10);

        var result = await AsCustomer.ResizeDiskAsync(vm.Id, "20G", _ct);

        (result.Error!.Code, result.Error.Message).ShouldBe(("quota_exceeded", "Acme Hosting may use 25 GiB of disk; it has 20 GiB and asks for 10 GiB more."));
    }

    [Fact]
    public async Task Usage_LeavesOutServersBeingDeleted_AndOtherTenants()
    {
        var globex = await _db.TenantAsync("Globex Shop");
        await _db.ServerAsync(_acme, _node, memoryMiB: 2048, vcpus: 2);
        await _db.ServerAsync(_acme, _node, memoryMiB: 4096, state: InstanceState.Deleting);
        await _db.ServerAsync(globex, _node, memoryMiB: 8192);
        await using var db = _db.CreateContext(AccessScope.ForTenant(_acme.Id));

        (await TenantUsage.OfAsync(db, _acme.Id, _ct)).ShouldBe(new TenantUsage(1, 2048, 0, 2, 10));
    }

    [Theory]
    [InlineData(512, "512 MiB")]
    [InlineData(1024, "1 GiB")]
    [InlineData(1536, "1.5 GiB")]
    [InlineData(65536, "64 GiB")]
    public void Amounts_ReadAsPeopleWriteThem(long mib, string shown) => TenantQuotaAdmission.ShowMiB(mib).ShouldBe(shown);
}
