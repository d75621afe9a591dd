using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VzPanel.Agent.Migration;

/// <summary>
/// One-time-use secrets the source presents on this node's migration listener: an expiry and an HMAC over
/// instance and expiry with a key kept in the data directory (0600). Nothing is stored per ticket, so a
/// ticket stays good across an agent restart until it expires; tickets are never written to the journal.
/// </summary>
public sealed class MigrationTickets(string dataDirectory, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    private readonly Lazy<byte[]> _key = new(() => LoadOrCreateKey(Path.Combine(dataDirectory, "migration.key")));

    public (string Ticket, DateTimeOffset ExpiresAt) Issue(string instanceId)
    {
        var expires = clock.GetUtcNow() + Lifetime;
        var seconds = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return ($"{seconds}.{Sign(instanceId, seconds)}", expires);
    }

    /// <summary>Null when the ticket is good for <paramref name="instanceId"/>, else why not.</summary>
    public string? Refusal(string instanceId, string ticket)
    {
        var parts = ticket.Split('.');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return "malformed ticket";
        var expected = Encoding.ASCII.GetBytes(Sign(instanceId, parts[0]));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[1])))
            return "the ticket was not issued by this node for this instance";
        return DateTimeOffset.FromUnixTimeSeconds(seconds) < clock.GetUtcNow() ? "the ticket has expired" : null;
    }

    private string Sign(string instanceId, string expiry) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes($"{instanceId}\n{expiry}")));

    private static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path)) return File.ReadAllBytes(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(32);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, key);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
        return key;
    }
}
