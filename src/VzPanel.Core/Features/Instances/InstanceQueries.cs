using Microsoft.EntityFrameworkCore;
using VzPanel.Core.Data;
using VzPanel.Core.Features.Billing;
using VzPanel.Core.Features.Billing.Quotes;
using VzPanel.Core.Features.Capacity;
using VzPanel.Core.Features.Nodes;
using VzPanel.Core.Features.Operations;

namespace VzPanel.Core.Features.Instances;

/// <summary>The read seam of the server pages and the API (bUnit tests fake it). The DbContext scopes rows to the caller.</summary>
public interface IInstanceQueries
{
    Task<InstancePage> ListAsync(InstanceFilter filter, CancellationToken ct);
    Task<InstanceDetails?> GetAsync(Guid id, CancellationToken ct);

    /// <summary>What the create form offers: templates, and for staff the customers and nodes.</summary>
    Task<CreateOptions> CreateOptionsAsync(CancellationToken ct);
}

public sealed record InstanceFilter
{
    /// <summary>Matches the start of the name or hostname, ignoring case.</summary>
    public string? Search { get; init; }
    public Guid? NodeId { get; init; }
    public Guid? TenantId { get; init; }
    public InstanceState? State { get; init; }
    public InstanceKind? Kind { get; init; }
    public int Skip { get; init; }
    public int Take { get; init; } = 50;
}

public sealed record InstanceRow(
    Guid Id, string Name, InstanceKind Kind, InstanceState State, long MemoryMiB, int GuaranteePercent, int VCpus,
    Guid NodeId, string NodeName, Guid TenantId, string TenantName, string? Hostname, bool Busy);

public sealed record InstancePage(IReadOnlyList<InstanceRow> Items, int Total);

public sealed record InstanceDetails(
    InstanceRow Instance, string? Template, int? CpuLimitPercent, IReadOnlyList<string> IpAddresses, long PlanMemoryMinMiB,
    long PlanMemoryMaxMiB, int PlanVCpuMax, decimal HourlyPrice, string Currency, DateTimeOffset CreatedAt, OperationView? ActiveOperation)
{
    public long GuaranteedMiB => Instances.Instance.GuaranteeOf(Instance.MemoryMiB, Instance.GuaranteePercent);

    /// <summary>The size of its disk.</summary>
    public long DiskGiB { get; init; } = DiskSize.DefaultGiB;

    /// <summary>What its volumes hold on the node (thin images fill as the guest writes), as last reported; null before any report.</summary>
    public long? DiskAllocatedMiB { get; init; }

    /// <summary>Its plan's prices today, for pricing a change before it is made.</summary>
    public PlanPrices Prices { get; init; }

    /// <summary>What the server costs now and after changing the given numbers (the others stay), running.</summary>
    public PriceQuote QuoteWith(long? memoryMiB = null, int? guaranteePercent = null, int? vcpus = null, long? diskGiB = null)
    {
        var memory = memoryMiB ?? Instance.MemoryMiB;
        var after = new BillableShape(memory, Instances.Instance.GuaranteeOf(memory, guaranteePercent ?? Instance.GuaranteePercent),
            vcpus ?? Instance.VCpus, diskGiB ?? DiskGiB);
        return PriceQuote.Of(Prices, new BillableShape(Instance.MemoryMiB, GuaranteedMiB, Instance.VCpus, DiskGiB), after);
    }
}

public sealed record CreateOptions(
    IReadOnlyList<TemplateOption> Templates, IReadOnlyList<Choice> Tenants, IReadOnlyList<Choice> Nodes, long MemoryMinMiB, long MemoryMaxMiB, int VCpuMax)
{
    /// <summary>Each offered customer's plan prices, so the form prices a new server as it is typed.</summary>
    public IReadOnlyDictionary<Guid, PlanPrices> PricesByTenant { get; init; } = new Dictionary<Guid, PlanPrices>();

    /// <summary>The chosen customer's prices; a customer's own when it is the only one offered; null before a choice.</summary>
    public PlanPrices? PricesFor(Guid? tenantId) =>
        (tenantId ?? (Tenants.Count == 1 ? Tenants[0].Id : null)) is { } id && PricesByTenant.TryGetValue(id, out var prices) ? prices : null;
}

public sealed record TemplateOption(string Name, InstanceKind Kind, string? Description);

public sealed record Choice(Guid Id, string Name);

public sealed class InstanceQueries(IDbContextFactory<VzPanelDbContext> dbFactory) : IInstanceQueries
{
    public const int MaxPageSize = 500;

    public async Task<InstancePage> ListAsync(InstanceFilter filter, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Instances.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var prefix = filter.Search.Trim().ToLowerInvariant();
            query = query.Where(i => EF.Property<string>(i, "NameKey").StartsWith(prefix) || (i.Hostname != null && i.Hostname.StartsWith(prefix)));
        }
        if (filter.NodeId is { } node) query = query.Where(i => i.NodeId == node);
        if (filter.TenantId is { } tenant) query = query.Where(i => i.TenantId == tenant);
        if (filter.State is { } state) query = query.Where(i => i.State == state);
        if (filter.Kind is { } kind) query = query.Where(i => i.Kind == kind);

        var total = await query.CountAsync(ct);
        var items = await Rows(db, query.OrderBy(i => EF.Property<string>(i, "NameKey"))
            .Skip(Math.Max(0, filter.Skip)).Take(Math.Clamp(filter.Take, 1, MaxPageSize))).ToListAsync(ct);
        return new InstancePage(items, total);
    }

    public async Task<InstanceDetails?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await Rows(db, db.Instances.AsNoTracking().Where(i => i.Id == id)).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        var i = await db.Instances.AsNoTracking().Include(x => x.Template).SingleAsync(x => x.Id == id, ct);
        var plan = await db.Tenants.AsNoTracking().Where(t => t.Id == i.TenantId).Select(t => t.Plan!).SingleAsync(ct);
        var active = await db.Operations.AsNoTracking()
            .Where(o => o.TargetId == id && (o.State == OperationState.Queued || o.State == OperationState.Running)).FirstOrDefaultAsync(ct);
        var allocated = await db.Volumes.AsNoTracking().Where(v => v.InstanceId == id).SumAsync(v => (long?)v.AllocationBytes, ct);
        return new InstanceDetails(row, i.Template?.Name, i.CpuLimitPercent, i.IpAddresses.Select(a => a.ToString()).ToList(),
            plan.MemoryMinMiB, plan.MemoryMaxMiB, plan.VCpuMax, plan.HourlyPrice(i.MemoryMiB, i.VCpus, i.GuaranteedMiB, i.DiskGiB), plan.Currency, i.CreatedAt,
            active is null ? null : OperationView.From(active))
        {
            DiskGiB = i.DiskGiB,
            DiskAllocatedMiB = allocated / (1024 * 1024),
            Prices = plan.Prices,
        };
    }

    public async Task<CreateOptions> CreateOptionsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var templates = await OfferedTemplatesAsync(db, ct);
        var tenants = await db.Tenants.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name, t.Plan }).ToListAsync(ct);
        var nodes = db.Scope.SeesAllTenants
            ? await db.Nodes.AsNoTracking().Where(n => n.State == NodeState.Online).OrderBy(n => n.Name).Select(n => new Choice(n.Id, n.Name)).ToListAsync(ct)
            : [];
        // A customer sees its own plan's bounds; staff get the widest bounds of any plan (the service checks the real one).
        var plans = db.Scope.TenantId is { } own
            ? db.Tenants.Where(t => t.Id == own).Select(t => t.Plan!)
            : db.Plans.AsNoTracking();
        var min = await plans.Select(p => (long?)p.MemoryMinMiB).MinAsync(ct) ?? InstanceSpecValidator.MinMemoryMiB;
        var max = await plans.Select(p => (long?)p.MemoryMaxMiB).MaxAsync(ct) ?? 16 * 1024;
        var vcpus = await plans.Select(p => (int?)p.VCpuMax).MaxAsync(ct) ?? 8;
        return new CreateOptions(templates, tenants.Select(t => new Choice(t.Id, t.Name)).ToList(), nodes, min, max, vcpus)
        {
            PricesByTenant = tenants.Where(t => t.Plan is not null).ToDictionary(t => t.Id, t => t.Plan!.Prices),
        };
    }

    /// <summary>
    /// Catalog templates some enrolled node can build from (nodes without a template cache take any), once per name and
    /// kind with the newest release's description. With no node yet the whole catalog: the create then says nodes are missing.
    /// </summary>
    private static async Task<List<TemplateOption>> OfferedTemplatesAsync(VzPanelDbContext db, CancellationToken ct)
    {
        var catalog = await db.Templates.AsNoTracking().OrderBy(t => t.Kind).ThenBy(t => t.Name).ThenByDescending(t => t.CreatedAt).ToListAsync(ct);
        var nodes = await db.Nodes.AsNoTracking().Where(n => n.State != NodeState.Pending).ToListAsync(ct);
        return catalog.DistinctBy(t => (t.Name, t.Kind))
            .Where(t => nodes.Count == 0
                || nodes.Exists(n => Admission.RefusalForKind(n, t.Kind) is null && Admission.RefusalForTemplate(n, t.Name, t.Kind) is null))
            .Select(t => new TemplateOption(t.Name, t.Kind, t.Description)).ToList();
    }

    private static IQueryable<InstanceRow> Rows(VzPanelDbContext db, IQueryable<Instance> query) =>
        query.Select(i => new InstanceRow(i.Id, i.Name, i.Kind, i.State, i.MemoryMiB, i.MemoryGuaranteePercent, i.VCpus, i.NodeId, i.Node!.Name,
            i.TenantId, db.Tenants.Where(t => t.Id == i.TenantId).Select(t => t.Name).FirstOrDefault() ?? "",
            i.Hostname, db.Operations.Any(o => o.TargetId == i.Id && (o.State == OperationState.Queued || o.State == OperationState.Running))));
}
