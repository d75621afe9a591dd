namespace VzPanel.Core.Features.Tenancy;

/// <summary>A row that belongs to one tenant. Customers see and change only their own tenant's rows.</summary>
public interface ITenantOwned
{
    Guid? OwnerTenantId { get; }
}
