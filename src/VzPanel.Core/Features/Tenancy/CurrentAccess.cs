namespace VzPanel.Core.Features.Tenancy;

/// <summary>
/// The access scope of the current DI scope (an HTTP request, a Blazor circuit or a job). Either set
/// explicitly or resolved on demand (a circuit reads its signed-in user). With neither it is
/// <see cref="AccessScope.Anonymous"/>: forgetting to set it shows nothing rather than everything.
/// </summary>
public sealed class CurrentAccess
{
    private AccessScope? _explicit;
    private Func<AccessScope?>? _resolver;

    public CurrentAccess() { }

    public CurrentAccess(AccessScope scope) => _explicit = scope;

    public AccessScope Scope
    {
        get => _explicit ?? _resolver?.Invoke() ?? AccessScope.Anonymous;
        set => _explicit = value;
    }

    /// <summary>Where to look when nothing was set explicitly.</summary>
    public void ResolveWith(Func<AccessScope?> resolver) => _resolver = resolver;
}
