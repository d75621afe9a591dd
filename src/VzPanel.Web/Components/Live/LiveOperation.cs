using VzPanel.Core.Features.Operations;

namespace VzPanel.Web.Components.Live;

/// <summary>
/// An operation as pages show it between reads: its stored row moved on by its events, so a bar moves with each
/// event while the rest of the page waits for its next read.
/// </summary>
public static class LiveOperation
{
    /// <summary>The operation as the event describes it now (progress, step, state, error).</summary>
    public static OperationView With(this OperationView view, OperationChanged e) => view with
    {
        State = e.State, ProgressPercent = e.ProgressPercent, CurrentStep = e.CurrentStep, Error = e.Error, Summary = e.Summary,
    };

    /// <summary>An operation first seen through its event, until the next read fills in who and when.</summary>
    public static OperationView ToView(this OperationChanged e, DateTimeOffset now) => new(
        e.OperationId, e.Kind, "instance", e.TargetId, e.TargetName, e.NodeId, e.State, e.ProgressPercent, e.CurrentStep, e.Error, e.Summary,
        "", now, null, null) { RequestedMemoryMiB = e.RequestedMemoryMiB };

    /// <summary>The operation a page shows after this event: the same one moved on, or the event's new one.</summary>
    public static OperationView Apply(this OperationView? shown, OperationChanged e, DateTimeOffset now) =>
        shown?.Id == e.OperationId ? Latest(shown, shown.With(e)) : e.ToView(now);

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
