using System.Buffers.Text;
using System.Security.Cryptography;
using VzPanel.Shared;

namespace VzPanel.Core.Features.Nodes.Enrollment;

/// <summary>The panel's half of the join token: it draws the secret, and keeps only its hash to check the agent's.</summary>
public static class JoinTokenSecret
{
    public static JoinTokenText Issue(Guid tokenId, string caPin) =>
        new(tokenId.ToString("N"), Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), caPin);

    public static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string secret, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);
}
