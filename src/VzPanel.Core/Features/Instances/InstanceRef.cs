namespace VzPanel.Core.Features.Instances;

/// <summary>
/// How a person or script names an instance: by UUID (any case, with or without braces or dashes, as prlctl
/// prints <c>{8c3f…}</c>) or by name, where a legacy numeric VEID like <c>101</c> is just a name.
/// A UUID is always taken as the identity, never as a name.
/// </summary>
public abstract record InstanceRef
{
    public sealed record ById(Guid Id) : InstanceRef
    {
        public override string ToString() => Id.ToString();
    }

    public sealed record ByName(string Name) : InstanceRef
    {
        public override string ToString() => Name;
    }

    public static InstanceRef Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        return TryParseUuid(s, out var id) ? new ById(id) : new ByName(s);
    }

    public static bool LooksLikeUuid(string text) => TryParseUuid(text.Trim(), out _);

    private static bool TryParseUuid(string s, out Guid id) =>
        Guid.TryParseExact(s, "D", out id) || Guid.TryParseExact(s, "B", out id) || Guid.TryParseExact(s, "N", out id);
}
