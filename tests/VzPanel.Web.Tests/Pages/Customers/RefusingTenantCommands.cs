using VzPanel.Core.Common;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Tests.Pages.Customers;

/// <summary>Tenant commands as support meets them: every change refused.</summary>
internal sealed class RefusingTenantCommands : ITenantCommands
{
    private static readonly Error No = Error.Forbidden("Support accounts are read-only.");
    public Task<Result<TenantView>> CreateAsync(TenantDraft draft, CancellationToken ct) => Task.FromResult<Result<TenantView>>(No);
    public Task<Result<TenantView>> UpdateAsync(Guid id, TenantChange change, CancellationToken ct) => Task.FromResult<Result<TenantView>>(No);
    public Task<Result<TenantView>> SuspendAsync(Guid id, CancellationToken ct) => Task.FromResult<Result<TenantView>>(No);
    public Task<Result<TenantView>> ResumeAsync(Guid id, CancellationToken ct) => Task.FromResult<Result<TenantView>>(No);
    public Task<Result<Guid>> DeleteAsync(Guid id, CancellationToken ct) => Task.FromResult<Result<Guid>>(No);
}
