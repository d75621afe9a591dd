using System.Buffers;

namespace VzPanel.Core.Features.Instances;

/// <summary>Rules for instance names, the human alias next to the UUID (prlctl-style).</summary>
public static class InstanceName
{
    public const int MaxLength = 63;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>Why <paramref name="name"/> cannot be an instance name, or null when it can.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "A name is required.";
        if (name.Length > MaxLength) return $"A name has at most {MaxLength} characters.";
        if (name.AsSpan().IndexOfAnyExcept(Allowed) >= 0)
            return "A name may contain only letters, digits, '-', '_' and '.'.";
        if (!char.IsAsciiLetterOrDigit(name[0])) return "A name starts with a letter or a digit.";
        // A name that parses as a UUID would make "vzp set X" ambiguous.
        if (InstanceRef.LooksLikeUuid(name)) return "A name cannot look like a UUID.";
        return null;
    }
}
