namespace VzPanel.Web.Components.Live;

/// <summary>What a page is called back with: every event it follows since its last call, oldest first (none when it asked itself).</summary>
public sealed class LiveChanges(IReadOnlyList<object> events)
{
    public IEnumerable<T> Of<T>() => events.OfType<T>();

    public bool Any<T>(Func<T, bool>? where = null) => events.OfType<T>().Any(e => where is null || where(e));
}
