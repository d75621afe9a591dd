using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Instances;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Web.Tests.Pages.Instances;

/// <summary>Servers the test can change between renders; filters and pages like the real query and counts the reads.</summary>
internal sealed class FakeInstanceQueries : IInstanceQueries
{
    public static readonly Guid Acme = Guid.NewGuid();
    public static readonly Guid Globex = Guid.NewGuid();
    public static readonly Guid Sim1 = Guid.NewGuid();

    public List<InstanceRow> Rows { get; } = [];
    public Dictionary<Guid, OperationView> Active { get; } = [];
    public List<InstanceFilter> Filters { get; } = [];
    public int Gets { get; private set; }
    public long PlanMinMiB { get; set; } = 256;
    public long PlanMaxMiB { get; set; } = 16384;
    public long DiskGiB { get; set; } = 10;
    public long? DiskAllocatedMiB { get; set; }

    /// <summary>0.004 per GiB-hour and 0.005 per vCPU-hour: the 2 GiB, 2 vCPU servers of <see cref="Row"/> cost 0.018 an hour.</summary>
    public static readonly PlanPrices Prices = new(0.004m, 0.005m, 0m, 0m, "EUR");

    public CreateOptions Options { get; set; } = new(
        [new("debian-12-x86_64", InstanceKind.Ct, "Debian 12"), new("ubuntu-24.04-x86_64", InstanceKind.Ct, null), new("almalinux-9-x86_64", InstanceKind.Vm, "AlmaLinux 9")],
        [new(Acme, "Acme Hosting"), new(Globex, "Globex Shop")], [new(Sim1, "sim-1")], 256, 16384, 8)
    {
        PricesByTenant = new Dictionary<Guid, PlanPrices> { [Acme] = Prices, [Globex] = Prices with { MemoryGiBHour = 0.008m } },
    };

    public static InstanceRow Row(string name, InstanceState state = InstanceState.Running, InstanceKind kind = InstanceKind.Ct,
        long memoryMiB = 2048, int guarantee = 50, Guid? tenant = null, bool busy = false) =>
        new(Guid.NewGuid(), name, kind, state, memoryMiB, guarantee, 2, Sim1, "sim-1", tenant ?? Acme, tenant == Globex ? "Globex Shop" : "Acme Hosting",
            $"{name}.example", busy);

    public InstanceRow Add(InstanceRow row)
    {
        Rows.Add(row);
        return row;
    }

    public void Replace(InstanceRow row) => Rows[Rows.FindIndex(r => r.Id == row.Id)] = row;

    public Task<InstancePage> ListAsync(InstanceFilter filter, CancellationToken ct)
    {
        lock (Filters) Filters.Add(filter);
        var rows = Rows.Where(r =>
                (filter.Search is null || r.Name.StartsWith(filter.Search, StringComparison.OrdinalIgnoreCase))
                && (filter.Kind is null || r.Kind == filter.Kind) && (filter.State is null || r.State == filter.State)
                && (filter.NodeId is null || r.NodeId == filter.NodeId) && (filter.TenantId is null || r.TenantId == filter.TenantId))
            .OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();
        return Task.FromResult(new InstancePage([.. rows.Skip(filter.Skip).Take(filter.Take)], rows.Count));
    }

    public Task<InstanceDetails?> GetAsync(Guid id, CancellationToken ct)
    {
        Gets++;
        var row = Rows.FirstOrDefault(r => r.Id == id);
        return Task.FromResult(row is null ? null : new InstanceDetails(row, "debian-12-x86_64", null, ["10.0.0.5"], PlanMinMiB, PlanMaxMiB, 8,
            0.018m, "EUR", DateTimeOffset.UtcNow.AddDays(-3), Active.GetValueOrDefault(id)) { DiskGiB = DiskGiB, DiskAllocatedMiB = DiskAllocatedMiB, Prices = Prices });
    }

    public Task<CreateOptions> CreateOptionsAsync(CancellationToken ct) => Task.FromResult(Options);
}
