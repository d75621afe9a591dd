using System.Buffers.Text;
using System.Security.Cryptography;

namespace VzPanel.Core.Features.Nodes.Enrollment;

/// <summary>
/// The text an admin pastes into <c>vzpanel-agent enroll --token</c>:
/// <c>vzp1.&lt;token id&gt;.&lt;secret&gt;.&lt;CA SHA-256&gt;</c>. The CA hash lets the agent trust the panel
/// before it sends the secret.
/// </summary>
public sealed record JoinTokenText(Guid TokenId, string Secret, string CaPin)
{
    public override string ToString() => $"vzp1.{TokenId:N}.{Secret}.{CaPin}";

    public static JoinTokenText Create(Guid tokenId, string caPin) =>
        new(tokenId, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), caPin);

    public static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string secret, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);
}
