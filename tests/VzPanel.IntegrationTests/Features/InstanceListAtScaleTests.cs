using System.Diagnostics;
using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Tenancy;
using VzPanel.IntegrationTests.Infrastructure;

namespace VzPanel.IntegrationTests.Features;

/// <summary>A database with 100,000 servers of two tenants, built once for the class.</summary>
public sealed class LargeFleet(PostgresServer server) : IAsyncLifetime
{
    public const int Rows = 100_000;

    public TestDatabase Db { get; private set; } = null!;
    public Tenant Big { get; private set; } = null!;
    public Tenant Small { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Db = await server.CreateDatabaseAsync();
        Big = await Db.TenantAsync("big");
        Small = await Db.TenantAsync("small");
        var n1 = await Db.NodeAsync("n1");
        var n2 = await Db.NodeAsync("n2");
        // Every tenth row belongs to the small tenant, every third is stopped, every fifth a VM, odd rows on n2.
        await Sql.ExecuteAsync(Db.ConnectionString, $"""
            INSERT INTO instances (id, kind, name, tenant_id, node_id, state, memory_mib, memory_guarantee_percent, vcpus, ip_addresses, created_at, updated_at)
            SELECT gen_random_uuid(), CASE WHEN g % 5 = 0 THEN 'Vm' ELSE 'Ct' END, 'srv-' || lpad(g::text, 6, '0'),
                   CASE WHEN g % 10 = 0 THEN '{Small.Id}'::uuid ELSE '{Big.Id}'::uuid END,
                   CASE WHEN g % 2 = 1 THEN '{n2.Id}'::uuid ELSE '{n1.Id}'::uuid END,
                   CASE WHEN g % 3 = 0 THEN 'Stopped' ELSE 'Running' END, 1024, 0, 1, ARRAY[]::inet[], now(), now()
            FROM generate_series(1, {Rows}) AS g;
            ANALYZE instances;
            """);
    }

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}

/// <summary>The server list over 100,000 rows: filters, paging and tenant scope stay right (times are printed, not asserted).</summary>
public sealed class InstanceListAtScaleTests(LargeFleet fleet) : IClassFixture<LargeFleet>
{
    private const int Rows = LargeFleet.Rows;

    [Fact]
    public async Task List_StaffFiltersAndPages_OverTheWholeFleet()
    {
        var queries = new InstanceQueries(fleet.Db.Factory(new AccessScope("admin", null, PanelRole.Admin, null)));
        var ct = TestContext.Current.CancellationToken;

        var (lastPage, lastPageTime) = await Timed(() => queries.ListAsync(new InstanceFilter { Skip = Rows - 50, Take = 50 }, ct));
        var (filtered, filteredTime) = await Timed(() => queries.ListAsync(new InstanceFilter { State = InstanceState.Stopped, Kind = InstanceKind.Vm, Take = 20 }, ct));
        var (searched, searchTime) = await Timed(() => queries.ListAsync(new InstanceFilter { Search = "SRV-0999", Take = 100 }, ct));

        lastPage.Total.ShouldBe(Rows);
        lastPage.Items.Select(i => i.Name).ShouldBe(Enumerable.Range(Rows - 49, 50).Select(g => $"srv-{g:000000}"));
        filtered.Total.ShouldBe(Rows / 15);   // multiples of 3 and 5
        filtered.Items.ShouldAllBe(i => i.State == InstanceState.Stopped && i.Kind == InstanceKind.Vm);
        filtered.Items[0].Name.ShouldBe("srv-000015");
        searched.Total.ShouldBe(100);   // srv-099900 … srv-099999
        TestContext.Current.TestOutputHelper!.WriteLine(
            $"100k servers: last page {lastPageTime.TotalMilliseconds:0} ms, state+kind filter {filteredTime.TotalMilliseconds:0} ms, name search {searchTime.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task List_ForACustomer_CountsAndShowsOnlyItsOwnServers()
    {
        var queries = new InstanceQueries(fleet.Db.Factory(AccessScope.ForTenant(fleet.Small.Id)));

        var (page, time) = await Timed(() => queries.ListAsync(new InstanceFilter { Take = 500 }, TestContext.Current.CancellationToken));
        TestContext.Current.TestOutputHelper!.WriteLine($"100k servers, a customer's 10k: first 500 in {time.TotalMilliseconds:0} ms");

        page.Total.ShouldBe(Rows / 10);
        page.Items.Count.ShouldBe(500);
        page.Items.ShouldAllBe(i => i.TenantId == fleet.Small.Id && i.TenantName == "small");
    }

    private static async Task<(T, TimeSpan)> Timed<T>(Func<Task<T>> query)
    {
        await query();   // warm the plan cache, as a user paging would have
        var clock = Stopwatch.StartNew();
        var result = await query();
        return (result, clock.Elapsed);
    }
}
