using System.Text.RegularExpressions;

namespace VzPanel.Shared;

/// <summary>
/// The join token the panel shows once and <c>vzpanel-agent enroll --token</c> takes:
/// <c>vzp1.&lt;tokenId&gt;.&lt;secret&gt;.&lt;caSha256Hex&gt;</c>. The last part is the fingerprint (SHA-256 of the
/// DER) of the panel CA, which the agent must find before it sends the secret. The panel draws the secret
/// and keeps its hash; the agent parses.
/// </summary>
public sealed partial record JoinTokenText(string TokenId, string Secret, string CaSha256Hex)
{
    public const string Prefix = "vzp1";
    private const string Shape = "vzp1.<tokenId>.<secret>.<caSha256Hex>";

    /// <summary>The whole token, secret included: only for showing it to the admin once.</summary>
    public string Reveal() => $"{Prefix}.{TokenId}.{Secret}.{CaSha256Hex}";

    // The secret must never reach a log line, even through a record's generated ToString.
    public override string ToString() => $"{Prefix}.{TokenId}.***.{CaSha256Hex}";

    /// <exception cref="FormatException">The text is not a token; the message says which part is wrong.</exception>
    public static JoinTokenText Parse(string? text)
    {
        var parts = (text ?? "").Trim().Split('.');
        if (parts.Length != 4)
            throw Malformed($"expected 4 dot-separated parts, got {parts.Length}");
        if (parts[0] != Prefix)
            throw Malformed($"unknown version '{Truncate(parts[0])}' (expected {Prefix})");
        if (!SafePart().IsMatch(parts[1]))
            throw Malformed("the token id is empty or has characters other than letters, digits, '-' and '_'");
        if (!SafePart().IsMatch(parts[2]))
            throw Malformed("the secret is empty or has characters other than letters, digits, '-' and '_'");
        if (!Sha256Hex().IsMatch(parts[3]))
            throw Malformed("the CA fingerprint is not 64 hexadecimal characters");
        return new JoinTokenText(parts[1], parts[2], parts[3].ToLowerInvariant());
    }

    private static FormatException Malformed(string why) => new($"malformed join token: {why}; the shape is {Shape}");

    private static string Truncate(string value) => value.Length <= 8 ? value : value[..8] + "…";

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex SafePart();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}
