using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Tests.Pages.Customers;

/// <summary>Customer accounts held in memory, scoped as the data layer would: a customer scope sees only its own.</summary>
internal sealed class FakeTenantQueries : ITenantQueries
{
    public List<TenantView> Items { get; } = [];
    public AccessScope? Viewer { get; set; }

    public static TenantView Tenant(string name, TenantQuotas quotas, TenantUsage usage, TenantState state = TenantState.Active) =>
        new(Guid.NewGuid(), name, $"ops@{name.Split(' ')[0].ToLowerInvariant()}.example", Guid.NewGuid(), "standard", state, quotas, usage, DateTimeOffset.UtcNow);

    public Task<IReadOnlyList<TenantView>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<TenantView>>([.. Visible()]);

    public Task<TenantView?> GetAsync(Guid id, CancellationToken ct) => Task.FromResult(Visible().FirstOrDefault(t => t.Id == id));

    public Task<IReadOnlyList<PlanOption>> PlansAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<PlanOption>>([]);

    public Task<IReadOnlyList<TenantUserView>> UsersAsync(Guid tenantId, CancellationToken ct) => Task.FromResult<IReadOnlyList<TenantUserView>>([]);

    public Task<IReadOnlyList<TenantServerView>> ServersAsync(Guid tenantId, CancellationToken ct) => Task.FromResult<IReadOnlyList<TenantServerView>>([]);

    private IEnumerable<TenantView> Visible() =>
        Viewer is null || Viewer.SeesAllTenants ? Items : Items.Where(t => t.Id == Viewer.TenantId);
}
