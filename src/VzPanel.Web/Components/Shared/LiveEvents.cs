using VzPanel.Core.Features.Operations;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Components.Shared;

/// <summary>
/// Helpers for pages that follow <see cref="VzPanel.Core.Common.PanelEvents"/>. The DbContext scopes what
/// pages read, but events reach every circuit: a customer's page must drop other tenants' events itself.
/// </summary>
public static class LiveEvents
{
    /// <summary>Whether someone with this scope may see an event about <paramref name="tenantId"/>'s rows.</summary>
    public static bool Sees(this AccessScope scope, Guid? tenantId) =>
        scope.SeesAllTenants || (tenantId is not null && tenantId == scope.TenantId);

    /// <summary>The operation as the event describes it now (progress, step, state, error).</summary>
    public static OperationView With(this OperationView view, OperationChanged e) => view with
    {
        State = e.State, ProgressPercent = e.ProgressPercent, CurrentStep = e.CurrentStep, Error = e.Error, Summary = e.Summary,
    };

    /// <summary>An operation first seen through its event, until the next read fills in who and when.</summary>
    public static OperationView ToView(this OperationChanged e, DateTimeOffset now) => new(
        e.OperationId, e.Kind, "instance", e.TargetId, e.TargetName, e.NodeId, e.State, e.ProgressPercent, e.CurrentStep, e.Error, e.Summary,
        "", now, null, null) { RequestedMemoryMiB = e.RequestedMemoryMiB };

    /// <summary>
    /// Which of two reads of the same operation is later: a reload that started before an event may
    /// arrive after it, and must not move a bar backwards or reopen a finished operation.
    /// </summary>
    public static OperationView Latest(OperationView current, OperationView read)
    {
        if (current.Id != read.Id) return read;
        if (current.IsFinished && !read.IsFinished) return current;
        if (!read.IsFinished && read.State == current.State && read.ProgressPercent < current.ProgressPercent) return current;
        return read;
    }
}
