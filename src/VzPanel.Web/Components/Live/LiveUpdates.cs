using Microsoft.Extensions.Logging;
using VzPanel.Core.Common;
using VzPanel.Core.Features.Tenancy;

namespace VzPanel.Web.Components.Live;

/// <summary>
/// How every page updates live, one per circuit: it follows <see cref="PanelEvents"/> for the page, drops what the
/// circuit's access scope may not see (pages never filter tenants themselves) and calls the page back coalesced,
/// at most twice a second, never overlapping, and always once after the last event.
/// </summary>
/// <example><code>
/// _live = Live.Follow(InvokeAsync, ReloadAsync).On&lt;InstanceChanged&gt;(e => e.InstanceId == Id);
/// ...
/// public void Dispose() => _live?.Dispose();
/// </code></example>
public sealed class LiveUpdates(PanelEvents events, CurrentAccess access, TimeProvider clock, ILogger<LiveUpdates> logger)
{
    /// <summary>At most two calls a second: fast enough to look live, slow enough for a busy fleet.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Calls <paramref name="onChange"/> through <paramref name="dispatch"/> (the page's <c>InvokeAsync</c>) with the
    /// events since its last call. Call it from the page's own lifecycle, where the circuit's user is known.
    /// </summary>
    public LiveSubscription Follow(Func<Func<Task>, Task> dispatch, Func<LiveChanges, Task> onChange) =>
        new(events, access.Scope, clock, logger, dispatch, onChange);

    /// <summary>For a page that only reads again, whatever the event said.</summary>
    public LiveSubscription Follow(Func<Func<Task>, Task> dispatch, Func<Task> onChange) =>
        Follow(dispatch, _ => onChange());
}
