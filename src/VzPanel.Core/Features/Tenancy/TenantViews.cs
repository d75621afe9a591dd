using VzPanel.Core.Features.Identity;
using VzPanel.Core.Features.Instances;

namespace VzPanel.Core.Features.Tenancy;

/// <summary>A customer account as the API and the pages show it: its settings, quotas (null = no limit) and what it holds now.</summary>
public sealed record TenantView(
    Guid Id, string Name, string? ContactEmail, Guid PlanId, string PlanName, TenantState State, TenantQuotas Quotas, TenantUsage Usage,
    DateTimeOffset CreatedAt);

/// <summary>A plan a tenant can be put on.</summary>
public sealed record PlanOption(Guid Id, string Name);

/// <summary>A sign-in account of a tenant.</summary>
public sealed record TenantUserView(Guid Id, string UserName, string? DisplayName, PanelRole? Role, bool Locked);

/// <summary>A server of a tenant, for the tenant's page.</summary>
public sealed record TenantServerView(Guid Id, string Name, InstanceKind Kind, InstanceState State, long MemoryMiB, int VCpus, long DiskGiB, string NodeName);

/// <summary>A new tenant. Everything is checked by the service; nothing is defaulted silently except "no limit" quotas.</summary>
public sealed record TenantDraft
{
    public string? Name { get; init; }
    public string? ContactEmail { get; init; }
    public Guid? PlanId { get; init; }
    public TenantState? State { get; init; }
    public TenantQuotas? Quotas { get; init; }
}

/// <summary>
/// A change to a tenant: what is null stays as it is. An empty contact e-mail clears it; quotas, when given, replace all
/// five limits (a null limit there means no limit).
/// </summary>
public sealed record TenantChange
{
    public string? Name { get; init; }
    public string? ContactEmail { get; init; }
    public Guid? PlanId { get; init; }
    public TenantState? State { get; init; }
    public TenantQuotas? Quotas { get; init; }
}
